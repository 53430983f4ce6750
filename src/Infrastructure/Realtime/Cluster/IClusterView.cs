namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>Cluster-wide connection figures: this node alone when embedded, every live node with Redis.</summary>
public interface IClusterView
{
    /// <summary>Reads the current figures.</summary>
    Task<ClusterSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);
}
