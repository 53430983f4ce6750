namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>
/// How many connections a user holds on the cluster's other live nodes, so that <see cref="RealtimeOptions.MaxStreamsPerUser"/>
/// is a cap on the whole cluster rather than on each node. Asked once per connect of a user (never per event); the
/// connections on this node come from its registry, which is exact.
/// </summary>
internal interface IUserStreamsElsewhere
{
    /// <summary>
    /// The connections <paramref name="userId"/> holds on other live nodes; 0 without other nodes, and 0 when they
    /// cannot be counted (Redis unreachable): the cap then falls back to this node's own count rather than refusing.
    /// </summary>
    ValueTask<int> CountAsync(string userId, CancellationToken cancellationToken);
}
