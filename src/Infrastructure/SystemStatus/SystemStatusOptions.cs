using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.SystemStatus;

/// <summary>The <c>SystemStatus</c> configuration section. Documented in docs/configuration.md.</summary>
public sealed class SystemStatusOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "SystemStatus";

    /// <summary>How often the health watcher runs the health checks; a change emits a <c>system</c> event.</summary>
    [Range(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 15;

    /// <summary>Run the health watcher at all.</summary>
    public bool WatchHealth { get; set; } = true;
}
