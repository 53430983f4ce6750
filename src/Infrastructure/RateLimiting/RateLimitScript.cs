namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// One fixed window in Redis, checked and counted atomically, so every node shares the count. The window
/// starts with its first permit (SET ... PX window) and ends when the key expires; the remaining time comes
/// from the server (PTTL), so node clocks do not matter. A rejected attempt is not counted. A counter that
/// lost its expiry is treated as a new window rather than blocking forever.
/// </summary>
internal static class RateLimitScript
{
    // KEYS: counter   ARGV: permits, limit, window ms   →   { allowed (0/1), count, ms until reset }
    public const string Script = """
        local permits = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local ttl = redis.call('PTTL', KEYS[1])
        local count = 0
        if ttl == -1 then
          redis.call('DEL', KEYS[1])
          ttl = -2
        end
        if ttl == -2 then
          ttl = window
        else
          count = tonumber(redis.call('GET', KEYS[1])) or 0
        end
        if count + permits > limit then
          return { 0, count, ttl }
        end
        if permits > 0 then
          if count == 0 then
            redis.call('SET', KEYS[1], permits, 'PX', window)
          else
            redis.call('INCRBY', KEYS[1], permits)
          end
          count = count + permits
        end
        return { 1, count, ttl }
        """;
}
