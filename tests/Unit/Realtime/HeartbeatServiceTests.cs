using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Realtime;

/// <summary>The heartbeat's tick, driven with a synthetic monotonic clock.</summary>
public sealed class HeartbeatServiceTests
{
    private readonly ConnectionRegistry _registry = new();
    private readonly HeartbeatService _heartbeat;

    public HeartbeatServiceTests()
    {
        var options = Options.Create(new RealtimeOptions { PingIntervalSeconds = 30, ClientTimeoutSeconds = 60 });
        _heartbeat = new HeartbeatService(
            _registry, options, TimeProvider.System, NullLogger<HeartbeatService>.Instance,
            new RealtimeGauges(new RealtimeCounters(), _registry, new NodeIdentity(options, TimeProvider.System), TimeProvider.System));
    }

    [Fact]
    public void Every_connection_is_pinged_once_per_interval_a_slice_per_tick()
    {
        var connections = Enumerable.Range(0, 1000).Select(_ => Add(TestConnections.Create(capacity: 4))).ToList();
        var now = Environment.TickCount64;
        var schedule = _heartbeat.CreateSchedule(now);
        var queued = 0;
        var busiestTick = 0;
        for (var tick = 0; tick < schedule.Slots; tick++)
        {
            now += 250;
            _heartbeat.Beat(schedule, now);
            var total = connections.Sum(c => c.QueueDepth);
            busiestTick = Math.Max(busiestTick, total - queued);
            queued = total;
        }

        connections.ShouldAllBe(c => c.QueueDepth == 1 && c.CloseReason == CloseReason.None);
        busiestTick.ShouldBeLessThanOrEqualTo((int)Math.Ceiling(1000.0 / schedule.Slots));
    }

    [Fact]
    public void A_connection_without_a_completed_write_for_the_client_timeout_is_closed()
    {
        var stalled = Add(TestConnections.Create());
        var now = Environment.TickCount64;
        var schedule = _heartbeat.CreateSchedule(now);

        _heartbeat.Beat(schedule, now + 59_000);
        stalled.CloseReason.ShouldBe(CloseReason.None, "59 s without progress is within the 60 s timeout");

        _heartbeat.Beat(schedule, now + 61_000);
        stalled.CloseReason.ShouldBe(CloseReason.Timeout);
    }

    [Fact]
    public void A_stream_whose_token_expired_gets_token_expired_and_ends()
    {
        var expired = Add(new SseConnection(new ConnectionScope("expired", "alice", [], new Dictionary<string, string>()), null, 16, DateTimeOffset.UtcNow, new RealtimeCounters(), expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
        var valid = Add(new SseConnection(new ConnectionScope("valid", "bob", [], new Dictionary<string, string>()), null, 16, DateTimeOffset.UtcNow, new RealtimeCounters(), expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        var now = Environment.TickCount64;

        _heartbeat.Beat(_heartbeat.CreateSchedule(now), now + 250);

        expired.CloseReason.ShouldBe(CloseReason.TokenExpired);
        NextNotice(expired).Type.ShouldBe(StandardEventTypes.TokenExpired);
        valid.CloseReason.ShouldBe(CloseReason.None);
    }

    [Fact]
    public void Streams_ending_in_one_tick_each_report_their_own_expiry()
    {
        // Whole seconds, as a JWT's exp, both past (a token within the clock skew opens a stream already expired).
        var second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expiries = new[] { second.AddSeconds(-20), second.AddSeconds(-5), second.AddSeconds(-5) };
        var connections = expiries.Select((expiresAt, i) => Add(new SseConnection(new ConnectionScope($"c{i}", $"user{i}", [], new Dictionary<string, string>()), null, 16, DateTimeOffset.UtcNow, new RealtimeCounters(), expiresAt))).ToList();
        var now = Environment.TickCount64;

        _heartbeat.Beat(_heartbeat.CreateSchedule(now), now + 250);

        var reported = connections.Select(c =>
        {
            var notice = NextNotice(c);
            notice.Type.ShouldBe(StandardEventTypes.TokenExpired);
            using var data = System.Text.Json.JsonDocument.Parse(notice.Payload);
            return data.RootElement.GetProperty("expiredAt").GetDateTimeOffset();
        }).ToList();
        reported.ShouldBe(expiries);
    }

    /// <summary>
    /// The next queued frame that is not a ping. Ping slots are dealt from a process-wide counter and fall due by the
    /// clock, so now and then a test's connection is in the slot its beat pings, and the ping is queued first.
    /// </summary>
    private static EncodedEvent NextNotice(SseConnection connection)
    {
        EncodedEvent? frame;
        do
        {
            connection.Queue.TryRead(out frame).ShouldBeTrue();
        }
        while (frame!.Type == StandardEventTypes.Ping);

        return frame;
    }

    private SseConnection Add(SseConnection connection)
    {
        _registry.TryAdd(connection, 10_000).ShouldBeTrue();
        return connection;
    }
}
