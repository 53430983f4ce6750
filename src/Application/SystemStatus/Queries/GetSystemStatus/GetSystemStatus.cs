using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.SystemStatus.Queries.GetSystemStatus;

/// <summary>The health of Beacon and its components: <c>GET /api/system/status</c>.</summary>
/// <param name="IncludeDetails">Include the checks' descriptions (admins only: they may name hosts or errors).</param>
public sealed record GetSystemStatusQuery(bool IncludeDetails = false) : IQuery<SystemStatusDto>;

/// <summary>The status response.</summary>
/// <param name="Status">healthy, degraded or unhealthy: the worst component.</param>
/// <param name="CheckedAt">When the checks ran.</param>
/// <param name="Components">Each component.</param>
public sealed record SystemStatusDto(HealthState Status, DateTimeOffset CheckedAt, IReadOnlyList<ComponentStatusDto> Components);

/// <summary>One component in the status response.</summary>
/// <param name="Name">The component.</param>
/// <param name="Status">Its health.</param>
/// <param name="Description">What its check said (admins only).</param>
/// <param name="DurationMs">How long its check took.</param>
public sealed record ComponentStatusDto(string Name, HealthState Status, string? Description, double DurationMs);

/// <summary>Handles <see cref="GetSystemStatusQuery"/>.</summary>
public sealed class GetSystemStatusHandler(ISystemHealth health) : IQueryHandler<GetSystemStatusQuery, SystemStatusDto>
{
    /// <inheritdoc />
    public async ValueTask<SystemStatusDto> Handle(GetSystemStatusQuery query, CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        return new SystemStatusDto(
            report.State,
            report.CheckedAt,
            report.Components.Select(c => new ComponentStatusDto(c.Name, c.State, query.IncludeDetails ? c.Description : null, Math.Round(c.DurationMs, 1))).ToArray());
    }
}
