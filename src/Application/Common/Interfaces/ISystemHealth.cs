using Beacon.Application.SystemStatus;

namespace Beacon.Application.Common.Interfaces;

/// <summary>The health of the components Beacon depends on (database, Redis, ...), as the host's health checks report it.</summary>
public interface ISystemHealth
{
    /// <summary>Runs every health check and reports each component.</summary>
    Task<SystemHealthReport> CheckAsync(CancellationToken cancellationToken = default);
}
