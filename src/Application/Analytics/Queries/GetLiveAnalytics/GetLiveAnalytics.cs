using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Analytics.Queries.GetLiveAnalytics;

/// <summary>A snapshot of live analytics: <c>GET /api/analytics/live</c> (admin).</summary>
public sealed record GetLiveAnalyticsQuery : IQuery<LiveAnalyticsSnapshot>;

/// <summary>What is happening on the site right now.</summary>
/// <param name="Visitors">Distinct visitors over the window (the figure <c>visitors</c> events carry).</param>
/// <param name="WindowSeconds">The visitor window.</param>
/// <param name="PageViews">Stored page views.</param>
/// <param name="TopPaths">The most viewed paths over the window, most first (at most <see cref="GetLiveAnalyticsHandler.TopPathCount"/>).</param>
public sealed record LiveAnalyticsSnapshot(long Visitors, int WindowSeconds, PageViewCounts PageViews, IReadOnlyList<PathViews> TopPaths);

/// <summary>Page-view counts from the database.</summary>
/// <param name="LastMinute">Views in the last 60 seconds.</param>
/// <param name="Total">Every stored view.</param>
public sealed record PageViewCounts(int LastMinute, int Total);

/// <summary>Views of one path.</summary>
/// <param name="Path">The path.</param>
/// <param name="Views">Its views over the window.</param>
public sealed record PathViews(string Path, int Views);

/// <summary>Handles <see cref="GetLiveAnalyticsQuery"/>.</summary>
public sealed class GetLiveAnalyticsHandler(IApplicationDbContext db, ILiveAnalytics live, TimeProvider clock) : IQueryHandler<GetLiveAnalyticsQuery, LiveAnalyticsSnapshot>
{
    /// <summary>How many paths the snapshot lists.</summary>
    public const int TopPathCount = 10;

    /// <inheritdoc />
    public async ValueTask<LiveAnalyticsSnapshot> Handle(GetLiveAnalyticsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var windowStart = now - live.VisitorWindow;
        var minuteAgo = now.AddMinutes(-1);

        var visitors = await live.CountVisitorsAsync(cancellationToken);
        var lastMinute = await db.CountAsync(db.PageViews.Where(v => v.ViewedAt >= minuteAgo), cancellationToken);
        var total = await db.CountAsync(db.PageViews, cancellationToken);
        var top = await db.ToListAsync(
            db.PageViews.Where(v => v.ViewedAt >= windowStart)
                .GroupBy(v => v.Path)
                .Select(g => new { Path = g.Key, Views = g.Count() })
                .OrderByDescending(p => p.Views)
                .ThenBy(p => p.Path)
                .Take(TopPathCount),
            cancellationToken);

        return new LiveAnalyticsSnapshot(
            visitors,
            (int)live.VisitorWindow.TotalSeconds,
            new PageViewCounts(lastMinute, total),
            top.Select(p => new PathViews(p.Path, p.Views)).ToArray());
    }
}
