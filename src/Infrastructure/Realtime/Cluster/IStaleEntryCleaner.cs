namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>Removes entries left by connections and nodes that ended without cleaning up (a killed process, a lost socket).</summary>
public interface IStaleEntryCleaner
{
    /// <summary>Runs one cleanup pass and reports what it removed.</summary>
    Task<CleanupReport> CleanAsync(CancellationToken cancellationToken = default);
}
