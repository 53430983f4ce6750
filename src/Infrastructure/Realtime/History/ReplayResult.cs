using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>What a resuming connection gets: the missed events in order, or a reset when history cannot prove there is no gap.</summary>
internal sealed class ReplayResult
{
    private ReplayResult(IReadOnlyList<EncodedEvent> events, string? resetReason, string? currentId, long currentSequence)
    {
        Events = events;
        ResetReason = resetReason;
        CurrentId = currentId;
        CurrentSequence = currentSequence;
    }

    /// <summary>The missed events, in order, without duplicates.</summary>
    public IReadOnlyList<EncodedEvent> Events { get; }

    /// <summary>Why the client must refetch its state; null when <see cref="Events"/> is complete.</summary>
    public string? ResetReason { get; }

    /// <summary>The newest id in history when a reset was decided, so the client resumes from there next time.</summary>
    public string? CurrentId { get; }

    /// <summary>
    /// After a reset, the position of <see cref="CurrentId"/>; after a replay, the resume point's own position.
    /// Live events at or before it are not sent: the client has them (or refetches its state).
    /// </summary>
    public long CurrentSequence { get; }

    public bool IsReset => ResetReason is not null;

    /// <summary>A complete replay of what came after the resume point at position <paramref name="fromSequence"/>.</summary>
    public static ReplayResult Replay(IReadOnlyList<EncodedEvent> events, long fromSequence) => new(events, null, null, fromSequence);

    public static ReplayResult Reset(string reason, string? currentId, long currentSequence) => new([], reason, currentId, currentSequence);
}
