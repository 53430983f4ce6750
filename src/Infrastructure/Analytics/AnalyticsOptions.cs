using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.Analytics;

/// <summary>The <c>Analytics</c> configuration section. Documented in docs/configuration.md.</summary>
public sealed class AnalyticsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Analytics";

    /// <summary>How long a visitor counts as live after their last view (the 5 minutes).</summary>
    [Range(10, 86_400)]
    public int VisitorWindowSeconds { get; set; } = 300;

    /// <summary>How often the live figures are checked and, when changed, published: at most one <c>visitors</c> event per interval.</summary>
    [Range(100, 60_000)]
    public int BroadcastIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Days a stored page view is kept; the recurring <c>page-view-retention</c> job (<c>Jobs:PageViewRetentionCron</c>)
    /// deletes older ones. 0 keeps them for ever.
    /// </summary>
    [Range(0, 36_500)]
    public int PageViewRetentionDays { get; set; } = 90;
}
