using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Beacon.Infrastructure.SystemStatus;

/// <summary>
/// The failed probes of one health check since it last passed. ASP.NET Core's health-check service logs every
/// unhealthy result at Error, with the result's exception: a readiness probe every few seconds through an outage
/// would write one stack trace per probe. Only the first failure of a streak carries its exception (one stack per
/// outage, as the outage itself is reported once); the ones after it carry the description alone.
/// </summary>
internal sealed class UnhealthyStreak
{
    private int _failing;

    /// <summary>An unhealthy result, with <paramref name="exception"/> only when the check passed last time.</summary>
    public HealthCheckResult Fail(string description, Exception? exception = null) =>
        Interlocked.Exchange(ref _failing, 1) == 0
            ? HealthCheckResult.Unhealthy(description, exception)
            : HealthCheckResult.Unhealthy(description);

    /// <summary>A healthy result; the next failure starts a new streak.</summary>
    public HealthCheckResult Pass(string? description = null)
    {
        Volatile.Write(ref _failing, 0);
        return HealthCheckResult.Healthy(description);
    }
}
