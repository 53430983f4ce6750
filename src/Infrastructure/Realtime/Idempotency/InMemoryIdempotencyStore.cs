using Beacon.Application.Common.Interfaces;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Idempotency;

/// <summary>
/// The embedded <see cref="IIdempotencyStore"/>: one node's keys in memory, each dropped once its window (or, while
/// unfinished, <see cref="IdempotencyEntry.PendingLifetime"/>) has passed. A queue in write order drops them without
/// scanning the whole store.
/// </summary>
internal sealed class InMemoryIdempotencyStore(IOptions<RealtimeOptions> options, TimeProvider clock) : IIdempotencyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, Entry Entry)> _expiries = new();
    private readonly TimeSpan _window = TimeSpan.FromSeconds(options.Value.IdempotencyWindowSeconds);

    public ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            Sweep(now);
            // The queue is in write order, not expiry order (a claim lives shorter than a result), so an entry may
            // outlive its time there: it is checked here too.
            if (_entries.TryGetValue(key, out var found) && found.ExpiresAt > now)
            {
                return ValueTask.FromResult(found.Fingerprint != fingerprint ? new IdempotencyClaim(IdempotencyClaimStatus.Mismatch)
                    : found.Result is null ? new IdempotencyClaim(IdempotencyClaimStatus.InProgress)
                    : new IdempotencyClaim(IdempotencyClaimStatus.Completed, found.Result));
            }

            Put(key, new Entry(fingerprint, null, now + IdempotencyEntry.PendingLifetime));
            return ValueTask.FromResult(new IdempotencyClaim(IdempotencyClaimStatus.Claimed));
        }
    }

    public ValueTask CompleteAsync(string key, string fingerprint, string result, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Put(key, new Entry(fingerprint, result, clock.GetUtcNow() + _window));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _entries.Remove(key);
        }

        return ValueTask.CompletedTask;
    }

    private void Put(string key, Entry entry)
    {
        _entries[key] = entry;
        _expiries.Enqueue((key, entry));
    }

    /// <summary>
    /// Drops the entries whose time is up. A queued entry that was replaced since (completed, or released and claimed
    /// again) is not the dictionary's any more and only leaves the queue.
    /// </summary>
    private void Sweep(DateTimeOffset now)
    {
        while (_expiries.TryPeek(out var head) && (head.Entry.ExpiresAt <= now || !ReferenceEquals(_entries.GetValueOrDefault(head.Key), head.Entry)))
        {
            _expiries.Dequeue();
            if (ReferenceEquals(_entries.GetValueOrDefault(head.Key), head.Entry))
            {
                _entries.Remove(head.Key);
            }
        }
    }

    private sealed record Entry(string Fingerprint, string? Result, DateTimeOffset ExpiresAt);
}
