using Beacon.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// The recurring <c>page-view-retention</c> job: deletes page views older than
/// <see cref="AnalyticsOptions.PageViewRetentionDays"/>, so the table does not grow for ever. One statement, on the
/// <c>ViewedAt</c> index; the count is returned, so the Hangfire dashboard shows what each run removed.
/// </summary>
internal sealed partial class PageViewRetentionJob(BeaconDbContext db, IOptions<AnalyticsOptions> options, TimeProvider clock, ILogger<PageViewRetentionJob> logger)
{
    /// <summary>The recurring job's id.</summary>
    public const string RecurringJobId = "page-view-retention";

    /// <summary>Deletes the expired views and returns how many. Hangfire passes its shutdown token.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.PageViewRetentionDays;
        if (days == 0)
        {
            return 0; // kept for ever
        }

        var cutoff = clock.GetUtcNow().AddDays(-days);
        var removed = await db.PageViews.Where(v => v.ViewedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        LogRemoved(logger, removed, days);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Page view retention removed {Removed} views older than {Days} days")]
    private static partial void LogRemoved(ILogger logger, int removed, int days);
}
