namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// The live side of analytics: who has been seen recently and how many views arrived, kept where every
/// node can see it (Redis when configured, this process otherwise). Page views themselves are stored by
/// the database; this port only feeds the <c>visitors</c> and <c>metrics_update</c> events.
/// </summary>
public interface ILiveAnalytics
{
    /// <summary>How far back a visitor counts as live.</summary>
    TimeSpan VisitorWindow { get; }

    /// <summary>Notes a page view by <paramref name="visitorKey"/> at <paramref name="at"/>.</summary>
    ValueTask RecordViewAsync(string visitorKey, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The distinct visitors seen within <see cref="VisitorWindow"/>.</summary>
    ValueTask<long> CountVisitorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Page views noted since the counter started (Redis: since the key was created).</summary>
    ValueTask<long> CountViewsAsync(CancellationToken cancellationToken = default);
}
