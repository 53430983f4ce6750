namespace Beacon.Application.SystemStatus;

/// <summary>One component's health.</summary>
/// <param name="Name">The component (e.g. <c>database</c>, <c>redis</c>).</param>
/// <param name="State">Its health.</param>
/// <param name="Description">What the check said, if anything (may name internal details: admins only).</param>
/// <param name="DurationMs">How long the check took.</param>
public sealed record ComponentHealth(string Name, HealthState State, string? Description, double DurationMs);

/// <summary>The health of every component at one moment.</summary>
/// <param name="State">The worst component state.</param>
/// <param name="CheckedAt">When the checks ran.</param>
/// <param name="Components">Each component, by name.</param>
public sealed record SystemHealthReport(HealthState State, DateTimeOffset CheckedAt, IReadOnlyList<ComponentHealth> Components);
