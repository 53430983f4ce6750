using System.Threading.RateLimiting;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>Counts in this process: limits are per node.</summary>
internal sealed class InMemoryPartitionLimiterFactory(TimeProvider clock) : IPartitionLimiterFactory
{
    public RateLimiter Create(string policy, string partitionKey, RateLimitRule rule) => new InMemoryFixedWindowLimiter(rule, clock);
}
