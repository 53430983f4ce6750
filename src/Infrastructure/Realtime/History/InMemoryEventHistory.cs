using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>
/// The embedded history: one in-memory ring per stream, bounded by <see cref="RealtimeOptions.HistorySize"/>
/// and <see cref="RealtimeOptions.HistoryMaxAgeSeconds"/>. It also assigns positions, so appending is the
/// moment an event is accepted.
/// </summary>
internal sealed class InMemoryEventHistory(IOptions<RealtimeOptions> options, TimeProvider clock) : IEventHistory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HistoryRing> _rings = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.HistorySize;
    private readonly TimeSpan _maxAge = TimeSpan.FromSeconds(options.Value.HistoryMaxAgeSeconds);
    private long _latestSequence;

    // Rings are deleted once they age out entirely; a resume from before the newest position they held
    // cannot be proven complete any more.
    private long _deletedRingsThrough;

    public string Epoch { get; } = EmbeddedEventId.NewEpoch();

    /// <summary>Assigns the next position and id, encodes the frame and stores it in every stream of its audience.</summary>
    public EncodedEvent Append(RealtimeEvent realtimeEvent, Audience audience, string? traceParent = null)
    {
        lock (_gate)
        {
            var sequence = ++_latestSequence;
            var encoded = EncodedEvent.Create(EmbeddedEventId.Format(Epoch, sequence), sequence, realtimeEvent, audience, clock.GetUtcNow(), traceParent);
            foreach (var stream in HistoryStreams.For(audience))
            {
                if (!_rings.TryGetValue(stream, out var ring))
                {
                    _rings[stream] = ring = new HistoryRing(_capacity);
                }

                ring.Add(encoded);
            }

            return encoded;
        }
    }

    public ValueTask<string?> HeadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<string?>(EmbeddedEventId.Format(Epoch, _latestSequence));
        }
    }

    public ValueTask<ReplayResult> ReadAfterAsync(string lastEventId, ConnectionScope scope, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ReadAfter(lastEventId, scope));

    /// <summary>Drops expired events and rings no one can resume from any more.</summary>
    public void Prune()
    {
        lock (_gate)
        {
            var cutoff = clock.GetUtcNow() - _maxAge;
            List<string>? empty = null;
            foreach (var (stream, ring) in _rings)
            {
                ring.TrimOlderThan(cutoff);
                if (ring.Count == 0)
                {
                    (empty ??= []).Add(stream);
                }
            }

            foreach (var stream in empty ?? [])
            {
                _deletedRingsThrough = Math.Max(_deletedRingsThrough, _rings[stream].EvictedThrough);
                _rings.Remove(stream);
            }
        }
    }

    public int StreamCount
    {
        get
        {
            lock (_gate)
            {
                return _rings.Count;
            }
        }
    }

    private ReplayResult ReadAfter(string lastEventId, ConnectionScope scope)
    {
        lock (_gate)
        {
            if (!EmbeddedEventId.TryParse(lastEventId, out var epoch, out var after))
            {
                return Reset("malformed-id");
            }

            if (epoch != Epoch || after > _latestSequence)
            {
                return Reset("unknown-id");
            }

            if (after < _deletedRingsThrough)
            {
                return Reset("expired");
            }

            var cutoff = clock.GetUtcNow() - _maxAge;
            var missed = new List<EncodedEvent>();
            foreach (var stream in HistoryStreams.For(scope))
            {
                if (!_rings.TryGetValue(stream, out var ring))
                {
                    continue;
                }

                ring.TrimOlderThan(cutoff);
                if (after < ring.EvictedThrough)
                {
                    return Reset("expired");
                }

                missed.AddRange(stream == HistoryStreams.Metadata ? ring.After(after).Where(e => scope.IsIn(e.Audience)) : ring.After(after));
            }

            missed.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));

            // An event for two topics a connection holds sits in both rings: send it once.
            missed.RemoveAll(SeenBefore());
            return ReplayResult.Replay(missed, after);
        }
    }

    private static Predicate<EncodedEvent> SeenBefore()
    {
        long previous = 0;
        return e =>
        {
            var duplicate = e.Sequence == previous;
            previous = e.Sequence;
            return duplicate;
        };
    }

    private ReplayResult Reset(string reason) =>
        ReplayResult.Reset(reason, EmbeddedEventId.Format(Epoch, _latestSequence), _latestSequence);
}
