using Beacon.Application.Common.Exceptions;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>
/// Where a stream (SSE or WebSocket) starts. A resuming stream replays after its Last-Event-ID. A new one starts
/// from the newest event, read before it registers: what is published after that is queued to it live or replayed
/// here, and the head goes out as the id of <c>connected</c>, so a client that drops before its first event still
/// resumes without a gap.
/// </summary>
internal static class StreamStart
{
    /// <summary>The newest event's id, read before registering a new stream; null when history cannot name one.</summary>
    public static async ValueTask<string?> HeadOrNullAsync(IEventHistory history, CancellationToken cancellationToken)
    {
        try
        {
            return await history.HeadAsync(cancellationToken);
        }
        catch (ServiceUnavailableException)
        {
            // History is down: the stream still opens, live only, as it would without a head.
            return null;
        }
    }

    /// <summary>
    /// The replay for a registered stream and the resume point its <c>connected</c> carries (null for a resuming
    /// stream, whose position comes from the replay, and for a new one whose start cannot be told).
    /// </summary>
    public static async ValueTask<(ReplayResult? Replay, string? ConnectedId)> ReplayAsync(
        IEventHistory history, string? lastEventId, string? head, ConnectionScope scope, CancellationToken cancellationToken)
    {
        if (lastEventId is not null)
        {
            // Unavailable history is the caller's 503: a resuming client must not get a stream with a hole in it.
            return (await history.ReadAfterAsync(lastEventId, scope, cancellationToken), null);
        }

        if (head is null)
        {
            return (null, null);
        }

        try
        {
            var replay = await history.ReadAfterAsync(head, scope, cancellationToken);

            // A new client has nothing to reset; it just goes without a resume point.
            return replay.IsReset ? (null, null) : (replay, head);
        }
        catch (ServiceUnavailableException)
        {
            return (null, null);
        }
    }
}
