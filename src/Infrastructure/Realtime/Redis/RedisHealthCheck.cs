using Beacon.Infrastructure.SystemStatus;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Ready only while Redis answers: a node that cannot store events must not receive publishers. During an outage
/// it answers at once: the multiplexer knows it has no connection (it reconnects by itself, and the check passes
/// again as soon as it has), and a PING is not waited on for longer than <see cref="ProbeTimeout.Limit"/>, where a
/// command would otherwise wait in the client's backlog for its full timeout. A singleton, so a streak of failed
/// probes logs one stack trace (<see cref="UnhealthyStreak"/>).
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private const string Unreachable = "Redis is unreachable.";

    private readonly UnhealthyStreak _streak = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return _streak.Fail(Unreachable);
        }

        try
        {
            var latency = await ProbeTimeout.WithinLimitAsync(redis.GetDatabase().PingAsync(), cancellationToken);
            return _streak.Pass($"PING {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            return _streak.Fail(Unreachable, ex);
        }
    }
}
