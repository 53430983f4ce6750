namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>
/// A topic's presence over the live nodes in one round trip: connections summed from each node's
/// <c>{beacon}:node:{id}:topics</c>, users counted once each over the nodes' <c>{beacon}:node:{id}:topic-users:{topic}</c>
/// sets. A node counts only while its registration exists and its topics hash names the topic, so a set left by a
/// dead node, or by a topic the node no longer has (until its TTL ends it), counts for nothing. A node that names the
/// topic with users but keeps no set (a node of an earlier version, during a rolling upgrade) adds its own distinct
/// count, as before. The key names are built here from the node ids; they all carry the <c>{beacon}</c> hash tag.
/// </summary>
internal static class TopicPresenceScript
{
    // KEYS: node set   ARGV: node key prefix ("{beacon}:node:"), topic   →   { connections, users }
    public const string Script = """
        local connections, users, seen = 0, 0, {}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local node = ARGV[1] .. id
          local count = redis.call('HGET', node .. ':topics', ARGV[2])
          if count and redis.call('EXISTS', node) == 1 then
            local c, u = string.match(count, '^(%d+) (%d+)$')
            connections = connections + (tonumber(c) or 0)
            local members = redis.call('SMEMBERS', node .. ':topic-users:' .. ARGV[2])
            if #members == 0 then
              users = users + (tonumber(u) or 0)
            end
            for _, user in ipairs(members) do
              if not seen[user] then
                seen[user] = true
                users = users + 1
              end
            end
          end
        end
        return { connections, users }
        """;
}
