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

    /// <summary>One tick: ping the connections whose slot came due, then close stalled and expired streams.</summary>
    internal void Beat(PingSchedule schedule, long nowMs)
    {
        var due = schedule.Advance(nowMs);
        if (due.Count > 0)
        {
            SendPing(due);
            if (due.StartsInterval)
            {
                embeddedHistory?.Prune();
            }
        }

        CloseStalled(nowMs, options.Value.ClientTimeoutSeconds * 1000L);
        EndExpiredStreams();
    }

    /// <summary>Queues a ping on every connection in a due slot; each heartbeat type is encoded once per tick.</summary>
    private void SendPing(DueSlots due)
    {
        var now = clock.GetUtcNow();
        EncodedEvent? ping = null;
        Dictionary<string, EncodedEvent>? others = null;
        foreach (var connection in registry.All)
        {
            if (!due.Includes(connection.PingPhase))
            {
                continue;
            }

            var type = connection.Profile.HeartbeatType;
            if (type == StandardEventTypes.Ping)
            {
                connection.TryEnqueue(ping ??= EncodedEvent.Control(null, RealtimeEvent.Create(StandardEventTypes.Ping, new { time = now }), now));
                continue;
            }

            // Product streams name their heartbeat differently (the seed's notification stream uses
            // 'heartbeat' {timestamp}); each name is still encoded once per tick.
            others ??= [];
            if (!others.TryGetValue(type, out var beat))
            {
                others[type] = beat = EncodedEvent.Control(null, RealtimeEvent.Create(type, new { timestamp = now }), now);
            }

            connection.TryEnqueue(beat);
        }
    }

    /// <summary>
    /// A stream must not outlive the token that opened it. It ends with <c>token_expired</c> (no id, so the
    /// client's Last-Event-ID is untouched): the client refreshes its token and resumes, losing nothing.
    /// </summary>
    private void EndExpiredStreams()
    {
        var now = clock.GetUtcNow();
        EncodedEvent? notice = null;
        foreach (var connection in registry.All)
        {
            if (connection.ExpiresAt is { } expiresAt && expiresAt <= now && connection.CloseReason == CloseReason.None)
            {
                notice ??= EncodedEvent.Control(null, RealtimeEvent.Create(StandardEventTypes.TokenExpired, new { expiredAt = expiresAt }), now);
                connection.TryEnqueue(notice);
                connection.Close(CloseReason.TokenExpired);
            }
        }
    }

    private void CloseStalled(long nowTicks, long timeoutMs)
    {
        foreach (var connection in registry.All)
        {
            if (connection.MillisecondsSinceProgress(nowTicks) > timeoutMs && connection.Close(CloseReason.Timeout))
            {
                LogTimedOut(logger, connection.ClientId);
            }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "SSE client {ClientId} closed: no successful write within the client timeout")]
    private static partial void LogTimedOut(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Heartbeat tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
