using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Realtime;

public sealed class InMemoryEventHistoryTests
{
    private readonly ManualClock _clock = new();

    private InMemoryEventHistory Create(int size = 100, int maxAgeSeconds = 3600) =>
        new(Options.Create(new RealtimeOptions { HistorySize = size, HistoryMaxAgeSeconds = maxAgeSeconds }), _clock);

    private static ConnectionScope Scope(string? user = null, string[]? topics = null, Dictionary<string, string>? metadata = null) =>
        new("client", user, topics ?? [], metadata ?? []);

    private static RealtimeEvent Event(int n) => RealtimeEvent.Create("test", new { n });

    private static async Task<ReplayResult> ReadAfter(InMemoryEventHistory history, string id, ConnectionScope scope) =>
        await history.ReadAfterAsync(id, scope, CancellationToken.None);

    [Fact]
    public async Task Replays_the_events_after_the_id_that_the_connection_would_have_received_in_order()
    {
        var history = Create();
        var first = history.Append(Event(0), Audience.All);
        var forAlice = history.Append(Event(1), Audience.User("alice"));
        history.Append(Event(2), Audience.User("bob"));
        var news = history.Append(Event(3), Audience.Topic("news"));
        var broadcast = history.Append(Event(4), Audience.All);

        var replay = await ReadAfter(history, first.Id!, Scope("alice", ["news"]));

        replay.IsReset.ShouldBeFalse();
        replay.Events.ShouldBe([forAlice, news, broadcast]);
    }

    [Fact]
    public async Task An_event_in_two_of_the_connections_topics_is_replayed_once()
    {
        var history = Create();
        var start = history.Append(Event(0), Audience.All);
        var both = history.Append(Event(1), Audience.Topics(["a", "b"]));

        var replay = await ReadAfter(history, start.Id!, Scope(topics: ["a", "b"]));

        replay.Events.ShouldBe([both]);
    }

    [Fact]
    public async Task Metadata_events_are_replayed_only_to_matching_connections()
    {
        var history = Create();
        var start = history.Append(Event(0), Audience.All);
        var home = history.Append(Event(1), Audience.Metadata(new Dictionary<string, string> { ["page"] = "home" }));
        history.Append(Event(2), Audience.Metadata(new Dictionary<string, string> { ["page"] = "admin" }));

        (await ReadAfter(history, start.Id!, Scope(metadata: new() { ["page"] = "home" }))).Events.ShouldBe([home]);
    }

    [Fact]
    public async Task The_latest_id_replays_nothing()
    {
        var history = Create();
        var last = history.Append(Event(0), Audience.All);
        var replay = await ReadAfter(history, last.Id!, Scope());
        replay.IsReset.ShouldBeFalse();
        replay.Events.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("garbage", "malformed-id")]
    [InlineData("", "malformed-id")]
    [InlineData("abc-", "malformed-id")]
    [InlineData("abc--5", "malformed-id")]
    [InlineData("deadbeef-1", "unknown-id")]
    public async Task Ids_that_are_not_ours_reset(string id, string reason)
    {
        var history = Create();
        history.Append(Event(0), Audience.All);
        var replay = await ReadAfter(history, id, Scope());
        replay.IsReset.ShouldBeTrue();
        replay.ResetReason.ShouldBe(reason);
        replay.CurrentId.ShouldBe(history.Epoch + "-1");
    }

    [Fact]
    public async Task An_id_from_the_future_resets()
    {
        var history = Create();
        history.Append(Event(0), Audience.All);
        (await ReadAfter(history, history.Epoch + "-99", Scope())).ResetReason.ShouldBe("unknown-id");
    }

    [Fact]
    public async Task An_id_older_than_the_ring_resets_instead_of_leaving_a_silent_gap()
    {
        var history = Create(size: 3);
        var first = history.Append(Event(0), Audience.All);
        for (var i = 1; i <= 5; i++)
        {
            history.Append(Event(i), Audience.All);
        }

        (await ReadAfter(history, first.Id!, Scope())).ResetReason.ShouldBe("expired");
    }

    [Fact]
    public async Task A_busy_stream_does_not_evict_a_quiet_users_events()
    {
        var history = Create(size: 3);
        var start = history.Append(Event(0), Audience.User("quiet"));
        var mine = history.Append(Event(1), Audience.User("quiet"));
        for (var i = 0; i < 10; i++)
        {
            history.Append(Event(i), Audience.User("busy"));
        }

        var replay = await ReadAfter(history, start.Id!, Scope("quiet"));
        replay.IsReset.ShouldBeFalse();
        replay.Events.ShouldBe([mine]);
    }

    [Fact]
    public async Task Events_older_than_the_max_age_are_gone_and_resuming_before_them_resets()
    {
        var history = Create(maxAgeSeconds: 60);
        var first = history.Append(Event(0), Audience.All);
        history.Append(Event(1), Audience.All);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var fresh = history.Append(Event(2), Audience.All);

        (await ReadAfter(history, first.Id!, Scope())).ResetReason.ShouldBe("expired");
        (await ReadAfter(history, fresh.Id!, Scope())).IsReset.ShouldBeFalse();
    }

    [Fact]
    public async Task Pruning_removes_aged_out_streams_and_resumes_from_before_them_reset()
    {
        var history = Create(maxAgeSeconds: 60);
        var start = history.Append(Event(0), Audience.User("gone"));
        history.Append(Event(1), Audience.User("gone"));
        _clock.Advance(TimeSpan.FromSeconds(61));
        history.Prune();
        history.StreamCount.ShouldBe(0);

        (await ReadAfter(history, start.Id!, Scope("gone"))).ResetReason.ShouldBe("expired");
    }

    [Fact]
    public void Client_addressed_events_are_not_stored()
    {
        var history = Create();
        history.Append(Event(0), Audience.Client("c1"));
        history.StreamCount.ShouldBe(0);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
