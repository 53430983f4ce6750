using Beacon.Infrastructure.Realtime.Cluster;
using Microsoft.Extensions.Logging;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// The recurring <c>stale-entry-cleanup</c> job: one pass of <see cref="IStaleEntryCleaner"/>. The report is
/// returned, so the Hangfire dashboard shows what each run removed, and logged as structured fields.
/// </summary>
public sealed partial class StaleEntryCleanupJob(IStaleEntryCleaner cleaner, ILogger<StaleEntryCleanupJob> logger)
{
    /// <summary>The recurring job's id.</summary>
    public const string RecurringJobId = "stale-entry-cleanup";

    /// <summary>Runs one cleanup pass. Hangfire passes its shutdown token for <paramref name="cancellationToken"/>.</summary>
    public async Task<CleanupReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = await cleaner.CleanAsync(cancellationToken);
        if (report.NodesRemoved + report.ConnectionsRemoved + report.PresenceEntriesRemoved > 0)
        {
            LogRemoved(logger, report.NodesRemoved, report.ConnectionsRemoved, report.PresenceEntriesRemoved);
        }
        else
        {
            LogNothing(logger);
        }

        return report;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stale entry cleanup removed {NodesRemoved} nodes, {ConnectionsRemoved} connections, {PresenceEntriesRemoved} presence entries")]
    private static partial void LogRemoved(ILogger logger, int nodesRemoved, int connectionsRemoved, int presenceEntriesRemoved);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stale entry cleanup found nothing to remove")]
    private static partial void LogNothing(ILogger logger);
}
