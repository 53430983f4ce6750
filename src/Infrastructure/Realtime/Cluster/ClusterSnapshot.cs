namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>One node's row in the cluster view.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Connections">Its open connections.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastHeartbeat">When it last reported (now, for this node in embedded mode).</param>
/// <param name="EventsSent">Event frames it has written to clients.</param>
/// <param name="SlowConsumerDisconnects">Connections it closed because their queue filled.</param>
public sealed record NodeSnapshot(string NodeId, int Connections, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, long EventsSent, long SlowConsumerDisconnects);

/// <summary>Connections across every live node.</summary>
/// <param name="Handler"><c>embedded</c> or <c>redis</c>.</param>
/// <param name="Nodes">Live nodes.</param>
/// <param name="ConnectionsByUser">Open connections per user id (anonymous connections are not listed).</param>
public sealed record ClusterSnapshot(string Handler, IReadOnlyList<NodeSnapshot> Nodes, IReadOnlyDictionary<string, int> ConnectionsByUser)
{
    /// <summary>Open connections on all live nodes.</summary>
    public int TotalConnections => Nodes.Sum(n => n.Connections);

    /// <summary>Distinct users with at least one open connection.</summary>
    public int UniqueUsers => ConnectionsByUser.Count;
}
