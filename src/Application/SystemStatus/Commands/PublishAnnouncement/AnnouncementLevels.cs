using Beacon.Application.Realtime;

namespace Beacon.Application.SystemStatus.Commands.PublishAnnouncement;

/// <summary>The levels an announcement may have: info, warning, critical (not <c>error</c>: that is for failures, not news).</summary>
public static class AnnouncementLevels
{
    /// <summary>The allowed names.</summary>
    public static readonly IReadOnlyList<string> Names = ["info", "warning", "critical"];

    /// <summary>Parses a level name (case-insensitive).</summary>
    public static bool TryParse(string? value, out NotificationLevel level)
    {
        level = value?.ToLowerInvariant() switch
        {
            "info" => NotificationLevel.Info,
            "warning" => NotificationLevel.Warning,
            "critical" => NotificationLevel.Critical,
            _ => (NotificationLevel)(-1),
        };
        return (int)level >= 0;
    }
}
