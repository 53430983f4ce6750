using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>
/// One stream's retained events, oldest first, bounded by count and age. Remembers the newest position
/// it ever dropped, which is what proves (or disproves) that a resume has no gap. Not thread-safe.
/// </summary>
internal sealed class HistoryRing(int capacity)
{
    private readonly Queue<EncodedEvent> _events = new(Math.Min(capacity, 64));

    /// <summary>The newest position dropped from this stream; a resume from before it would have a gap.</summary>
    public long EvictedThrough { get; private set; }

    public int Count => _events.Count;

    public long NewestSequence { get; private set; }

    public void Add(EncodedEvent encoded)
    {
        if (_events.Count == capacity)
        {
            EvictedThrough = _events.Dequeue().Sequence;
        }

        _events.Enqueue(encoded);
        NewestSequence = encoded.Sequence;
    }

    public void TrimOlderThan(DateTimeOffset cutoff)
    {
        while (_events.TryPeek(out var oldest) && oldest.PublishedAt < cutoff)
        {
            EvictedThrough = _events.Dequeue().Sequence;
        }
    }

    public IEnumerable<EncodedEvent> After(long sequence) => _events.Where(e => e.Sequence > sequence);
}
