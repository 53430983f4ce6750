using Beacon.Application.Common.Interfaces;
using Beacon.Application.SystemStatus;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Beacon.Infrastructure.SystemStatus;

/// <summary>The <see cref="ISystemHealth"/> adapter: ASP.NET Core's registered health checks (database, redis, ...).</summary>
internal sealed class HealthCheckSystemHealth(HealthCheckService checks, TimeProvider clock) : ISystemHealth
{
    public async Task<SystemHealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var report = await checks.CheckHealthAsync(cancellationToken);
        var components = report.Entries
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new ComponentHealth(e.Key, Map(e.Value.Status), e.Value.Description ?? e.Value.Exception?.Message, e.Value.Duration.TotalMilliseconds))
            .ToArray();
        return new SystemHealthReport(Map(report.Status), clock.GetUtcNow(), components);
    }

    private static HealthState Map(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => HealthState.Healthy,
        HealthStatus.Degraded => HealthState.Degraded,
        _ => HealthState.Unhealthy,
    };
}
