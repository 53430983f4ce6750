using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.History;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// One timer per node: sends the shared <c>ping</c> frame every <see cref="RealtimeOptions.PingIntervalSeconds"/>,
/// closes connections with no successful write for <see cref="RealtimeOptions.ClientTimeoutSeconds"/>, and
/// prunes expired history. One timer for all connections costs the same whether there are ten or ten thousand.
/// </summary>
internal sealed partial class HeartbeatService(
    ConnectionRegistry registry,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    ILogger<HeartbeatService> logger,
    RealtimeGauges gauges,
    InMemoryEventHistory? embeddedHistory = null) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    // Held so the scrape-time gauges live as long as the node.
    private readonly RealtimeGauges _gauges = gauges;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pingEveryMs = options.Value.PingIntervalSeconds * 1000L;
        var timeoutMs = options.Value.ClientTimeoutSeconds * 1000L;
        var nextPing = Environment.TickCount64 + pingEveryMs;
        using var timer = new PeriodicTimer(Tick, clock);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                var now = Environment.TickCount64;
                if (now >= nextPing)
                {
                    nextPing = now + pingEveryMs;
                    SendPing();
                    embeddedHistory?.Prune();
                }

                CloseStalled(now, timeoutMs);
                EndExpiredStreams();
            }
            catch (Exception ex)
            {
                // A failed tick must not stop heartbeats for the rest of the node's life.
                LogTickFailed(logger, ex);
            }
        }
    }

    /// <summary>Queues one ping frame, encoded once, on every connection.</summary>
    internal void SendPing()
    {
        var now = clock.GetUtcNow();
        var ping = EncodedEvent.Control(null, RealtimeEvent.Create(StandardEventTypes.Ping, new { time = now }), now);
        Dictionary<string, EncodedEvent>? others = null;
        foreach (var connection in registry.All)
        {
            var type = connection.Profile.HeartbeatType;
            if (type == StandardEventTypes.Ping)
            {
                connection.TryEnqueue(ping);
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
