using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>Reads the events a resuming connection missed.</summary>
internal interface IEventHistory
{
    /// <summary>
    /// Returns every event after <paramref name="lastEventId"/> that <paramref name="scope"/> would have received,
    /// or a reset when the id is malformed, unknown, from another epoch, or older than what is retained.
    /// </summary>
    ValueTask<ReplayResult> ReadAfterAsync(string lastEventId, ConnectionScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// The id of the newest event now (a resume point after which nothing has happened yet), or null when there
    /// is none to name (Redis before its first event). A new connection starts from it, so it has a resume point
    /// before its first event arrives.
    /// </summary>
    ValueTask<string?> HeadAsync(CancellationToken cancellationToken);
}
