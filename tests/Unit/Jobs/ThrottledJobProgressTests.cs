using Beacon.Application.Common.Interfaces;
using Beacon.Application.Jobs;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Beacon.UnitTests.Jobs;

public sealed class ThrottledJobProgressTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingPublisher _publisher = new();
    private readonly ThrottledJobProgress _progress;
    private readonly Guid _job = Guid.NewGuid();

    public ThrottledJobProgressTests() => _progress = new ThrottledJobProgress(_publisher, _clock, NullLogger<ThrottledJobProgress>.Instance);

    [Fact]
    public async Task The_first_report_goes_out_at_once_to_the_owner_only()
    {
        await _progress.ReportAsync(_job, "alice", 0, "Started");

        var sent = _publisher.Sent.ShouldHaveSingleItem();
        sent.Audience.ShouldBe("users:alice");
        sent.Payload.ShouldBe(new JobProgressPayload(_job, 0, "Started"));
    }

    [Fact]
    public async Task Reports_inside_the_interval_are_held_and_only_the_latest_is_sent_when_it_ends()
    {
        await _progress.ReportAsync(_job, "alice", 10, "a");
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        await _progress.ReportAsync(_job, "alice", 20, "b");
        await _progress.ReportAsync(_job, "alice", 30, "c");
        _publisher.Sent.Count.ShouldBe(1);

        _clock.Advance(TimeSpan.FromMilliseconds(199));
        _publisher.Sent.Count.ShouldBe(1, "not before 250 ms since the last one");
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        await _publisher.WaitForAsync(2);
        _publisher.Sent.Select(s => s.Payload.Percent).ShouldBe([10, 30]);
    }

    [Fact]
    public async Task Many_reports_yield_at_most_one_event_per_interval()
    {
        for (var i = 0; i < 100; i++)
        {
            await _progress.ReportAsync(_job, "alice", i, null);
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        // 1,000 ms of reports every 10 ms: the first, then one per 250 ms.
        await _publisher.WaitForAsync(4);
        _publisher.Sent.Count.ShouldBeLessThanOrEqualTo(5);
        _publisher.Sent.Select(s => s.Payload.Percent).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task One_hundred_percent_is_sent_at_once_and_a_held_lower_figure_never_follows_it()
    {
        await _progress.ReportAsync(_job, "alice", 40, null);
        await _progress.ReportAsync(_job, "alice", 60, null);
        await _progress.ReportAsync(_job, "alice", 100, "done");

        _publisher.Sent.Select(s => s.Payload.Percent).ShouldBe([40, 100]);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Yield();
        _publisher.Sent.Select(s => s.Payload.Percent).ShouldBe([40, 100]);
    }

    [Fact]
    public async Task Completing_a_job_drops_what_was_held()
    {
        await _progress.ReportAsync(_job, "alice", 10, null);
        await _progress.ReportAsync(_job, "alice", 20, null);

        await _progress.CompleteAsync(_job);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _progress.ReportAsync(_job, "alice", 30, null);

        _publisher.Sent.Select(s => s.Payload.Percent).ShouldBe([10, 30], "after completion a new run of the id starts afresh");
    }

    [Fact]
    public async Task Jobs_are_throttled_independently()
    {
        var other = Guid.NewGuid();

        await _progress.ReportAsync(_job, "alice", 10, null);
        await _progress.ReportAsync(other, "bob", 10, null);

        _publisher.Sent.Select(s => s.Audience).ShouldBe(["users:alice", "users:bob"]);
    }

    private sealed class RecordingPublisher : IRealtimePublisher
    {
        private readonly List<(JobProgressPayload Payload, string Audience)> _sent = [];

        public IReadOnlyList<(JobProgressPayload Payload, string Audience)> Sent
        {
            get
            {
                lock (_sent)
                {
                    return _sent.ToArray();
                }
            }
        }

        public ValueTask<string> PublishAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken = default)
        {
            realtimeEvent.Type.ShouldBe(JobEventTypes.Progress);
            lock (_sent)
            {
                _sent.Add((System.Text.Json.JsonSerializer.Deserialize<JobProgressPayload>(realtimeEvent.Utf8Json.Span, RealtimeEvent.PayloadJsonOptions)!, $"{audience.Kind.ToString().ToLowerInvariant()}:{string.Join(',', audience.Targets)}"));
            }

            return ValueTask.FromResult("id");
        }

        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Sent.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Sent.Count.ShouldBeGreaterThanOrEqualTo(count);
        }
    }
}
