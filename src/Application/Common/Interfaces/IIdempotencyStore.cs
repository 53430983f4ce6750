namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Remembers, for a while, what a request sent with an <c>Idempotency-Key</c> did, so that its retry (after a timeout
/// or a dropped connection) gets the same answer instead of doing it again. Shared by every node when Redis is
/// configured. Keys are scoped by the caller before they get here.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> for a request whose content hashes to <paramref name="fingerprint"/>, or says
    /// what became of the earlier request that claimed it.
    /// </summary>
    ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="result"/> as the answer of the request that claimed <paramref name="key"/>.</summary>
    ValueTask CompleteAsync(string key, string fingerprint, string result, CancellationToken cancellationToken);

    /// <summary>Lets <paramref name="key"/> go after its request failed, so that a retry runs it again.</summary>
    ValueTask ReleaseAsync(string key, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IIdempotencyStore.ClaimAsync"/> found.</summary>
public enum IdempotencyClaimStatus
{
    /// <summary>The key is this request's now: run it, then complete or release the key.</summary>
    Claimed,

    /// <summary>A request with the same key and content has completed: <see cref="IdempotencyClaim.Result"/> is its answer.</summary>
    Completed,

    /// <summary>A request with the same key and content is still running.</summary>
    InProgress,

    /// <summary>The key was used for a request with other content.</summary>
    Mismatch,
}

/// <summary>The answer of <see cref="IIdempotencyStore.ClaimAsync"/>.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Result">The earlier request's answer, when <see cref="IdempotencyClaimStatus.Completed"/>.</param>
public readonly record struct IdempotencyClaim(IdempotencyClaimStatus Status, string? Result = null);
