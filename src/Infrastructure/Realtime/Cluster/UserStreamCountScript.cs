namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>
/// Sums one user's connections over the other live nodes' <c>{beacon}:node:{id}:users</c> hashes in one round trip.
/// A node counts only while its registration <c>{beacon}:node:{id}</c> exists: a node that died stops refreshing
/// both, so its counts stop counting when its registration expires, even if its users hash outlived it (written
/// after an expiry and before the next heartbeat set its TTL again). The key names are built here from the node
/// ids; they all carry the <c>{beacon}</c> hash tag, so they are in the slot of the declared key.
/// </summary>
internal static class UserStreamCountScript
{
    // KEYS: node set   ARGV: node key prefix ("{beacon}:node:"), this node's id, user id   →   connections elsewhere
    public const string Script = """
        local total = 0
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if id ~= ARGV[2] then
            local node = ARGV[1] .. id
            if redis.call('EXISTS', node) == 1 then
              total = total + (tonumber(redis.call('HGET', node .. ':users', ARGV[3])) or 0)
            end
          end
        end
        return total
        """;
}
