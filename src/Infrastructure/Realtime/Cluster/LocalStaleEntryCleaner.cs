using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>Embedded cleanup: drops registry entries whose connection has already closed.</summary>
internal sealed class LocalStaleEntryCleaner(ConnectionRegistry registry) : IStaleEntryCleaner
{
    public Task<CleanupReport> CleanAsync(CancellationToken cancellationToken = default)
    {
        var stale = registry.All.Where(c => c.CloseReason != CloseReason.None).ToArray();
        foreach (var connection in stale)
        {
            registry.Remove(connection);
        }

        return Task.FromResult(new CleanupReport(0, stale.Length, 0));
    }
}
