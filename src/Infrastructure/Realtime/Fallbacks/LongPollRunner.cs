using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Fallbacks;

/// <summary>What one long-poll returns.</summary>
internal enum LongPollStatus
{
    /// <summary><see cref="LongPollResult.Events"/> and <see cref="LongPollResult.Cursor"/> are set.</summary>
    Ok,

    /// <summary>The node is at <see cref="RealtimeOptions.MaxClients"/>.</summary>
    NodeFull,

    /// <summary>The node is shutting down.</summary>
    ShuttingDown,

    /// <summary>The user holds <see cref="RealtimeOptions.MaxStreamsPerUser"/> connections, on every node together.</summary>
    UserFull,
}

/// <summary>The events of one poll and the position to poll from next.</summary>
/// <param name="Status">Whether the poll ran.</param>
/// <param name="Events">The events, in id order (may be empty when the wait ran out).</param>
/// <param name="Cursor">The id to send as <c>after</c> next time; null only when history is empty and has no position yet.</param>
/// <param name="ClientId">The id of the temporary connection that waited.</param>
internal sealed record LongPollResult(LongPollStatus Status, IReadOnlyList<PolledEvent> Events, string? Cursor, string? ClientId)
{
    public static readonly LongPollResult Full = new(LongPollStatus.NodeFull, [], null, null);

    public static readonly LongPollResult Stopping = new(LongPollStatus.ShuttingDown, [], null, null);

    public static readonly LongPollResult UserFull = new(LongPollStatus.UserFull, [], null, null);
}

/// <summary>
/// The long-polling fallback: <c>GET /api/events?after=&lt;id&gt;&amp;wait=&lt;s&gt;</c>. A poll registers a
/// temporary connection with the same scope an SSE stream would have (so audience rules are identical), reads
/// history after <c>after</c> exactly like a resuming stream, and when nothing is missed waits on the
/// connection's queue for the first live event or the end of the wait. Ids are the history's ids, so a client
/// can switch between SSE, WebSocket and polling without losing or repeating anything.
/// </summary>
internal sealed class LongPollRunner(
    ConnectionRegistry registry,
    IEventHistory history,
    RealtimeCounters counters,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    NodeShutdown shutdown,
    IConnectionTracker tracker,
    StreamAdmission admission)
{
    /// <summary>Queued events are collected for this long after the first one, so a burst comes back as one answer.</summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);

    // Never longer than half the client timeout: the heartbeat service would close a connection that long without a write.
    private readonly TimeSpan _maxWait = TimeSpan.FromSeconds(Math.Clamp(options.Value.ClientTimeoutSeconds / 2, 1, 30));

    /// <summary>The longest wait a poll may ask for.</summary>
    public TimeSpan MaxWait => _maxWait;

    /// <summary>Runs one poll for <paramref name="request"/> (its <c>LastEventId</c> is the <c>after</c> parameter).</summary>
    public async Task<LongPollResult> PollAsync(SseConnectRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (shutdown.IsStopping)
        {
            return LongPollResult.Stopping;
        }

        var connection = admission.Create(request);
        var scope = connection.Scope;
        var elsewhere = await admission.HeldElsewhereAsync(connection, cancellationToken);
        switch (registry.Add(connection, options.Value.MaxClients, options.Value.MaxStreamsPerUser, elsewhere))
        {
            case RegistryAddResult.UserFull:
                return LongPollResult.UserFull;
            case not RegistryAddResult.Added:
                return LongPollResult.Full;
        }

        // Tracked like a stream while it waits, so a polling client counts in the cluster's stats and its user is
        // present to contacts; between two polls the presence grace period covers the gap.
        tracker.Connected(connection);

        // A node that starts stopping ends the wait: the poll is answered with what it has, at once.
        shutdown.CloseIfStopping(connection);
        try
        {
            var events = new List<PolledEvent>();
            long lastSent;
            string? cursor;

            // Registered first, read second: an event published in between is in both, and the sequence check drops the copy.
            if (request.LastEventId is null)
            {
                // A first poll starts "now": the newest position (a malformed id always answers with it).
                var head = await history.ReadAfterAsync("-", scope, cancellationToken);
                lastSent = head.CurrentSequence;
                cursor = head.CurrentId;
            }
            else
            {
                var replay = await history.ReadAfterAsync(request.LastEventId, scope, cancellationToken);
                if (replay.IsReset)
                {
                    var reset = RealtimeEvent.Create(StandardEventTypes.Reset, new { reason = replay.ResetReason, lastEventId = request.LastEventId, currentId = replay.CurrentId });
                    events.Add(new PolledEvent(replay.CurrentId, reset.Type, reset.Utf8Json));
                    counters.Replayed(reset: true);
                    return Ok(events, replay.CurrentId ?? request.LastEventId, connection);
                }

                lastSent = EventPosition.SequenceOf(request.LastEventId);
                cursor = request.LastEventId;
                foreach (var missed in replay.Events)
                {
                    events.Add(new PolledEvent(missed.Id, missed.Type, missed.Payload));
                    lastSent = missed.Sequence;
                    cursor = missed.Id;
                }

                counters.Replayed(reset: false);
            }

            cursor = Drain(connection, events, ref lastSent) ?? cursor;
            if (events.Count == 0 && wait > TimeSpan.Zero)
            {
                cursor = await WaitAsync(connection, events, lastSent, Min(wait, _maxWait), cancellationToken) ?? cursor;
            }

            counters.EventsWritten(events.Count(e => e.Id is not null));
            return Ok(events, cursor, connection);
        }
        finally
        {
            // Not Close(): a poll is a request, not a stream, and should not count as a closed connection.
            registry.Remove(connection);
            tracker.Disconnected(connection);
        }
    }

    private static LongPollResult Ok(List<PolledEvent> events, string? cursor, SseConnection connection) =>
        new(LongPollStatus.Ok, events, cursor, connection.ClientId);

    private async Task<string?> WaitAsync(SseConnection connection, List<PolledEvent> events, long lastSent, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        string? cursor = null;
        try
        {
            while (events.Count == 0 && await connection.Queue.WaitToReadAsync(deadline.Token))
            {
                cursor = Drain(connection, events, ref lastSent) ?? cursor;
            }

            if (events.Count > 0 && connection.CloseReason == CloseReason.None)
            {
                await Task.Delay(BatchWindow, clock, deadline.Token);
                cursor = Drain(connection, events, ref lastSent) ?? cursor;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait ran out: answer with what there is (maybe nothing).
            cursor = Drain(connection, events, ref lastSent) ?? cursor;
        }

        return cursor;
    }

    /// <summary>Moves queued events into <paramref name="events"/>, skipping heartbeats and what was already replayed; returns the newest id taken.</summary>
    private static string? Drain(SseConnection connection, List<PolledEvent> events, ref long lastSent)
    {
        string? newest = null;
        while (connection.Queue.TryRead(out var frame))
        {
            if (frame.Sequence == 0)
            {
                // Control frames: only token_expired and shutdown matter to a poller (pings and retry hints do not).
                if (frame.Type is StandardEventTypes.TokenExpired or StandardEventTypes.Shutdown)
                {
                    events.Add(new PolledEvent(null, frame.Type, frame.Payload));
                }

                continue;
            }

            if (frame.Sequence <= lastSent)
            {
                continue;
            }

            lastSent = frame.Sequence;
            newest = frame.Id;
            events.Add(new PolledEvent(frame.Id, frame.Type, frame.Payload));
        }

        return newest;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
