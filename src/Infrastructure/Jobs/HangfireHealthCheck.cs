using Beacon.Infrastructure.SystemStatus;
using Hangfire;
using Hangfire.Redis.StackExchange;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// Ready while Hangfire's storage answers: a node whose job storage is gone cannot enqueue or run jobs.
/// Reports how many Hangfire servers are registered, but does not require one — a server that is still
/// announcing itself at start-up must not make the node flap out of readiness.
/// </summary>
/// <remarks>
/// Hangfire's storage API is synchronous, and on Redis a call made while the multiplexer has no connection waits in its
/// backlog for the client's full timeout: with Redis storage a disconnected multiplexer is an answer in itself, and
/// any storage gets <see cref="ProbeTimeout.Limit"/> to answer. A singleton, so a streak of failed probes logs one
/// stack trace (<see cref="UnhealthyStreak"/>).
/// </remarks>
internal sealed class HangfireHealthCheck(JobStorage storage, IConnectionMultiplexer? redis = null) : IHealthCheck
{
    private const string Unreachable = "Hangfire storage is unreachable.";

    private readonly UnhealthyStreak _streak = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (storage is RedisStorage && redis is { IsConnected: false })
        {
            return _streak.Fail(Unreachable);
        }

        try
        {
            var servers = await ProbeTimeout.WithinLimitAsync(Task.Run(() => storage.GetMonitoringApi().Servers().Count, CancellationToken.None), cancellationToken);
            return _streak.Pass($"{servers} Hangfire server(s) registered");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return _streak.Fail(Unreachable, ex);
        }
    }
}
