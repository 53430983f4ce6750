using Beacon.Application.Realtime;

namespace Beacon.Application.Analytics;

/// <summary>The names the analytics module publishes under; documented in docs/events.md.</summary>
public static class AnalyticsEvents
{
    /// <summary>The topic every analytics event goes to; dashboards subscribe with <c>?topics=analytics</c>.</summary>
    public const string Topic = "analytics";

    /// <summary><c>visitors {count}</c>: distinct visitors over the window, sent at most once a second and only on change.</summary>
    public const string Visitors = "visitors";

    /// <summary><c>metrics_update {metric, value, change}</c>.</summary>
    public const string MetricsUpdate = StandardEventTypes.MetricsUpdate;

    /// <summary>The metric name of the page-view counter.</summary>
    public const string PageViewsMetric = "page_views";
}

/// <summary>The <c>visitors</c> payload.</summary>
/// <param name="Count">Distinct visitors over the window.</param>
public sealed record VisitorsPayload(long Count);

/// <summary>The <c>metrics_update</c> payload.</summary>
/// <param name="Metric">The metric's name, e.g. <c>page_views</c>.</param>
/// <param name="Value">Its value now.</param>
/// <param name="Change">The change since the last update, or null for the first.</param>
public sealed record MetricsUpdatePayload(string Metric, double Value, double? Change);
