using System.Threading.RateLimiting;
using Beacon.Infrastructure.Realtime.Redis;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>Counts in Redis: limits are global across nodes.</summary>
internal sealed class RedisPartitionLimiterFactory(RedisWindowCounter counter, TimeProvider clock) : IPartitionLimiterFactory
{
    public RateLimiter Create(string policy, string partitionKey, RateLimitRule rule) =>
        new RedisFixedWindowLimiter(counter, RedisKeys.RateLimit(policy, partitionKey), rule, clock);
}
