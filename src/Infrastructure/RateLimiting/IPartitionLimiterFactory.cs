using System.Threading.RateLimiting;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// Creates the limiter for one partition of a policy: in memory (embedded) or in Redis (when
/// <c>ConnectionStrings:Redis</c> is set). The web layer decides the policies and partitions.
/// </summary>
public interface IPartitionLimiterFactory
{
    /// <summary>A limiter for <paramref name="partitionKey"/> (e.g. <c>user:alice</c>) under <paramref name="policy"/>.</summary>
    RateLimiter Create(string policy, string partitionKey, RateLimitRule rule);
}
