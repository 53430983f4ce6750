using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.History;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// One timer per node: pings every connection once per <see cref="RealtimeOptions.PingIntervalSeconds"/>, a slice of
/// them on each tick (<see cref="PingSchedule"/>), closes connections with no successful write for
/// <see cref="RealtimeOptions.ClientTimeoutSeconds"/>, and prunes expired history. One timer for all connections
/// costs the same whether there are ten or ten thousand.
/// </summary>
internal sealed partial class HeartbeatService(
    ConnectionRegistry registry,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    ILogger<HeartbeatService> logger,
    RealtimeGauges gauges,
    InMemoryEventHistory? embeddedHistory = null) : BackgroundService
{
    // Each tick pings one slot of the ping interval, so the tick also sets how finely pings are spread.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    // Held so the scrape-time gauges live as long as the node.
    private readonly RealtimeGauges _gauges = gauges;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = CreateSchedule(Environment.TickCount64);
        using var timer = new PeriodicTimer(Tick, clock);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                Beat(schedule, Environment.TickCount64);
            }
            catch (Exception ex)
            {
                // A failed tick must not stop heartbeats for the rest of the node's life.
                LogTickFailed(logger, ex);
            }
        }
    }

    internal PingSchedule CreateSchedule(long nowMs) =>
        new(options.Value.PingIntervalSeconds * 1000L, (long)Tick.TotalMilliseconds, nowMs);

    /// <summary>
    /// One tick, in one pass over the connections: each gets its ping if its slot came due, and is closed if it
    /// stalled or its token expired. Expired history is pruned once per interval.
    /// </summary>
    internal void Beat(PingSchedule schedule, long nowMs)
    {
        var due = schedule.Advance(nowMs);
        var timeoutMs = options.Value.ClientTimeoutSeconds * 1000L;
        var frames = new TickFrames(clock.GetUtcNow());
        foreach (var connection in registry.All)
        {
            if (due.Includes(connection.PingPhase))
            {
                connection.TryEnqueue(frames.Heartbeat(connection.Profile.HeartbeatType));
            }

            if (connection.MillisecondsSinceProgress(nowMs) > timeoutMs && connection.Close(CloseReason.Timeout))
            {
                LogTimedOut(logger, connection.ClientId);
            }

            // A stream must not outlive the token that opened it. It ends with token_expired (no id, so the client's
            // Last-Event-ID is untouched): the client refreshes its token and resumes, losing nothing.
            if (connection.ExpiresAt is { } expiresAt && expiresAt <= frames.Now && connection.CloseReason == CloseReason.None)
            {
                connection.TryEnqueue(frames.TokenExpired(expiresAt));
                connection.Close(CloseReason.TokenExpired);
            }
        }

        if (due.StartsInterval)
        {
            embeddedHistory?.Prune();
        }
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The control frames of one tick, each encoded on first use and shared by every connection that gets it.</summary>
    private sealed class TickFrames(DateTimeOffset now)
    {
        private EncodedEvent? _ping;
        private EncodedEvent? _tokenExpired;
        private DateTimeOffset _tokenExpiredAt;
        private Dictionary<string, EncodedEvent>? _others;

        public DateTimeOffset Now => now;

        public EncodedEvent Heartbeat(string type)
        {
            if (type == StandardEventTypes.Ping)
            {
                return _ping ??= EncodedEvent.Control(null, RealtimeEvent.Create(StandardEventTypes.Ping, new { time = now }), now);
            }

            // Product streams name their heartbeat differently (the seed's notification stream uses
            // 'heartbeat' {timestamp}); each name is still encoded once per tick.
            _others ??= [];
            if (!_others.TryGetValue(type, out var beat))
            {
                _others[type] = beat = EncodedEvent.Control(null, RealtimeEvent.Create(type, new { timestamp = now }), now);
            }

            return beat;
        }

        /// <summary>
        /// Shared only by connections whose tokens expired at the same instant: JWT expiry is in whole seconds, so
        /// those that end in one tick mostly do, but with the clock skew a tick can also end streams opened with
        /// tokens that expired seconds apart, and each must report its own.
        /// </summary>
        public EncodedEvent TokenExpired(DateTimeOffset expiredAt)
        {
            if (_tokenExpired is null || _tokenExpiredAt != expiredAt)
            {
                _tokenExpired = EncodedEvent.Control(null, RealtimeEvent.Create(StandardEventTypes.TokenExpired, new { expiredAt }), now);
                _tokenExpiredAt = expiredAt;
            }

            return _tokenExpired;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SSE client {ClientId} closed: no successful write within the client timeout")]
    private static partial void LogTimedOut(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Heartbeat tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
