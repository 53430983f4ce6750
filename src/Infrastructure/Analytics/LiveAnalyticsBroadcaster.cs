using Beacon.Application.Analytics;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// Turns the live counters into events on the <c>analytics</c> topic: once per interval, and only when a
/// figure changed, one <c>visitors {count}</c> and one <c>metrics_update</c> for page views. Coalescing here
/// (rather than per view) bounds the events to one per interval however many views arrive; the turn lease
/// bounds it across nodes too. Visitors leaving the window also change the count, so the check is periodic.
/// </summary>
internal sealed partial class LiveAnalyticsBroadcaster(
    ILiveAnalyticsStore store,
    IRealtimePublisher publisher,
    IOptions<AnalyticsOptions> options,
    TimeProvider clock,
    ILogger<LiveAnalyticsBroadcaster> logger) : BackgroundService
{
    private static readonly Audience AnalyticsTopic = Audience.Topic(AnalyticsEvents.Topic);
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(options.Value.BroadcastIntervalMilliseconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Redis or the bus may be down; the figures are still there on the next tick.
                    LogTickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One interval: claim the turn, publish what changed, remember what was published.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        // Slightly shorter than the interval, so the next tick (on any node) finds the lease free.
        var figures = await store.TryClaimTurnAsync(_interval * 0.9, cancellationToken);
        if (figures is null)
        {
            return;
        }

        // Before the first broadcast, no visitors and no views is no news: a starting node announces nothing.
        var visitorsChanged = figures.Visitors != (figures.LastVisitors ?? 0);
        var viewsChanged = figures.Views != (figures.LastViews ?? 0);
        if (visitorsChanged)
        {
            await publisher.PublishAsync(RealtimeEvent.Create(AnalyticsEvents.Visitors, new VisitorsPayload(figures.Visitors)), AnalyticsTopic, cancellationToken);
        }

        if (viewsChanged)
        {
            var change = figures.LastViews is { } last ? figures.Views - last : (double?)null;
            await publisher.PublishAsync(
                RealtimeEvent.Create(AnalyticsEvents.MetricsUpdate, new MetricsUpdatePayload(AnalyticsEvents.PageViewsMetric, figures.Views, change)),
                AnalyticsTopic,
                cancellationToken);
        }

        if (visitorsChanged || viewsChanged)
        {
            await store.MarkBroadcastAsync(figures, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live analytics broadcast failed; retrying on the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
