using Beacon.Infrastructure.Realtime.Redis;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>
/// Redis cleanup: a node that died without shutting down stops refreshing its keys, which then expire.
/// This removes what it left: its id in the node set, its connection and users hashes (should one have outlived the
/// registration, written after an expiry and before a heartbeat set its TTL again), and the presence entries of
/// its users (so those users go offline).
/// </summary>
internal sealed class StaleEntryCleaner(IConnectionMultiplexer redis, LocalStaleEntryCleaner local) : IStaleEntryCleaner
{
    public async Task<CleanupReport> CleanAsync(CancellationToken cancellationToken = default)
    {
        var localReport = await local.CleanAsync(cancellationToken);
        var db = redis.GetDatabase();
        var alive = new HashSet<string>(StringComparer.Ordinal);
        int nodesRemoved = 0, connectionsRemoved = localReport.ConnectionsRemoved, presenceRemoved = 0;
        foreach (var nodeId in (await db.SetMembersAsync(RedisKeys.Nodes)).Select(v => (string)v!))
        {
            if (await db.KeyExistsAsync(RedisKeys.Node(nodeId)))
            {
                alive.Add(nodeId);
                continue;
            }

            connectionsRemoved += (int)await db.HashLengthAsync(RedisKeys.NodeConnections(nodeId));
            await db.KeyDeleteAsync([RedisKeys.NodeConnections(nodeId), RedisKeys.NodeUsers(nodeId)]);
            await db.SetRemoveAsync(RedisKeys.Nodes, nodeId);
            nodesRemoved++;
        }

        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(db.Database, RedisKeys.UserPresence("*"), pageSize: 500).WithCancellation(cancellationToken))
            {
                foreach (var member in await db.SetMembersAsync(key))
                {
                    if (!IsOnLiveNode((string)member!, alive))
                    {
                        presenceRemoved += await db.SetRemoveAsync(key, member) ? 1 : 0;
                    }
                }
            }
        }

        return new CleanupReport(nodesRemoved, connectionsRemoved, presenceRemoved);
    }

    // A live node keeps its own entries right (it writes them, and rewrites them after an outage);
    // checking them here would race with its writes.
    private static bool IsOnLiveNode(string member, HashSet<string> alive)
    {
        var slash = member.IndexOf('/');
        return slash > 0 && alive.Contains(member[..slash]);
    }
}
