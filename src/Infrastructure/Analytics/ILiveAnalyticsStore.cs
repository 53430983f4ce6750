using Beacon.Application.Common.Interfaces;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// The live counters plus what the broadcaster needs: a turn to broadcast (one node per interval when
/// several share Redis) and the figures last broadcast, so a change is announced once, not once per node.
/// </summary>
internal interface ILiveAnalyticsStore : ILiveAnalytics
{
    /// <summary>
    /// Claims this interval's broadcast turn. Returns the current figures and those last broadcast, or null
    /// when another node holds the turn.
    /// </summary>
    ValueTask<LiveFigures?> TryClaimTurnAsync(TimeSpan turnLength, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="figures"/> as broadcast; called only after the events were accepted.</summary>
    ValueTask MarkBroadcastAsync(LiveFigures figures, CancellationToken cancellationToken);
}

/// <summary>The live figures at a turn.</summary>
/// <param name="Visitors">Distinct visitors over the window now.</param>
/// <param name="Views">The page-view counter now.</param>
/// <param name="LastVisitors">Visitors last broadcast; null if never.</param>
/// <param name="LastViews">Views last broadcast; null if never.</param>
internal sealed record LiveFigures(long Visitors, long Views, long? LastVisitors, long? LastViews);
