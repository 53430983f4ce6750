using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// The embedded store: last-seen time per visitor in a dictionary, pruned on every count. Memory is one
/// entry per visitor seen within the window.
/// </summary>
internal sealed class InMemoryLiveAnalytics(IOptions<AnalyticsOptions> options, TimeProvider clock) : ILiveAnalyticsStore
{
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private long _views;
    private long? _lastVisitors;
    private long? _lastViews;

    public TimeSpan VisitorWindow { get; } = TimeSpan.FromSeconds(options.Value.VisitorWindowSeconds);

    public ValueTask RecordViewAsync(string visitorKey, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var seen = at.ToUnixTimeMilliseconds();
        _lastSeen.AddOrUpdate(visitorKey, seen, (_, previous) => Math.Max(previous, seen));
        Interlocked.Increment(ref _views);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> CountVisitorsAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(CountAndPrune());

    public ValueTask<long> CountViewsAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Interlocked.Read(ref _views));

    public ValueTask<LiveFigures?> TryClaimTurnAsync(TimeSpan turnLength, CancellationToken cancellationToken) =>
        ValueTask.FromResult<LiveFigures?>(new LiveFigures(CountAndPrune(), Interlocked.Read(ref _views), _lastVisitors, _lastViews));

    public ValueTask MarkBroadcastAsync(LiveFigures figures, CancellationToken cancellationToken)
    {
        (_lastVisitors, _lastViews) = (figures.Visitors, figures.Views);
        return ValueTask.CompletedTask;
    }

    private long CountAndPrune()
    {
        var cutoff = (clock.GetUtcNow() - VisitorWindow).ToUnixTimeMilliseconds();
        long live = 0;
        foreach (var (visitor, seen) in _lastSeen)
        {
            if (seen >= cutoff)
            {
                live++;
            }
            else
            {
                // Removes only if not refreshed meanwhile: a concurrent view keeps its visitor.
                _lastSeen.TryRemove(new KeyValuePair<string, long>(visitor, seen));
            }
        }

        return live;
    }
}
