using Beacon.Application.Common.Exceptions;

namespace Beacon.Application.Realtime.Commands.PublishEvents;

/// <summary>
/// A batch stopped part way: the events before the failure were published (and are delivered or replayable), the rest
/// were not. Maps to the failure's own status (503 or 409) with the published events listed, so the caller can send
/// the rest, or the whole batch again with idempotency keys.
/// </summary>
public sealed class BatchInterruptedException(IReadOnlyList<PublishedBatchEvent> published, Exception failure)
    : Exception($"{failure.Message} The first {published.Count} events of the batch were published.", failure)
{
    /// <summary>What was published before the failure, in order.</summary>
    public IReadOnlyList<PublishedBatchEvent> Published { get; } = published;

    /// <summary>Why the batch stopped: a <see cref="ServiceUnavailableException"/> or a <see cref="ConflictException"/>.</summary>
    public Exception Failure { get; } = failure;
}
