using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.Messaging;

/// <summary>The <c>Presence</c> configuration section. Documented in docs/configuration.md.</summary>
public sealed class PresenceOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Presence";

    /// <summary>How long a user's last connection must stay closed before they are announced offline: a reconnect within it does not flap.</summary>
    [Range(0, 300)]
    public double OfflineGraceSeconds { get; set; } = 5;
}
