namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>What a stale-entry cleanup removed.</summary>
/// <param name="NodesRemoved">Nodes whose heartbeat had expired.</param>
/// <param name="ConnectionsRemoved">Connection entries no live node holds any more.</param>
/// <param name="PresenceEntriesRemoved">User presence entries pointing at such connections.</param>
public sealed record CleanupReport(int NodesRemoved, int ConnectionsRemoved, int PresenceEntriesRemoved);
