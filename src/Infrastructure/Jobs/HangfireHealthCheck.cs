using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// Ready while Hangfire's storage answers: a node whose job storage is gone cannot enqueue or run jobs.
/// Reports how many Hangfire servers are registered, but does not require one — a server that is still
/// announcing itself at start-up must not make the node flap out of readiness.
/// </summary>
internal sealed class HangfireHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(HealthCheckResult.Healthy($"{servers} Hangfire server(s) registered"));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage is unreachable.", ex));
        }
    }
}
