using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>The embedded cluster: just this node, read from its registry.</summary>
internal sealed class LocalCluster(ConnectionRegistry registry, RealtimeCounters counters, NodeIdentity node, TimeProvider clock)
    : IClusterView, IPresenceStore, IConnectionTracker, ITopicPresence
{
    public Task<ClusterSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var connections = registry.All;
        var byUser = connections.Where(c => c.UserId is not null).GroupBy(c => c.UserId!).ToDictionary(g => g.Key, g => g.Count());
        var self = new NodeSnapshot(node.NodeId, connections.Count, node.StartedAt, clock.GetUtcNow(), counters.EventsSent, counters.SlowConsumerDisconnects);
        return Task.FromResult(new ClusterSnapshot("embedded", [self], byUser));
    }

    public Task<IReadOnlyDictionary<string, bool>> GetOnlineAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, bool>>(userIds.Distinct().ToDictionary(u => u, u => registry.CountForUser(u) > 0));

    public Task<TopicPresence> GetAsync(string topic, CancellationToken cancellationToken = default)
    {
        var (connections, users) = registry.TopicPresence(topic);
        return Task.FromResult(new TopicPresence(topic, connections, users));
    }

    // The registry itself is the embedded truth: nothing else to update.
    public void Connected(SseConnection connection)
    {
    }

    public void Disconnected(SseConnection connection)
    {
    }
}
