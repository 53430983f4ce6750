using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>Ready only while Redis answers: a node that cannot store events must not receive publishers.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.", ex);
        }
    }
}
