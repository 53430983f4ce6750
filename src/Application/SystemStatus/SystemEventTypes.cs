namespace Beacon.Application.SystemStatus;

/// <summary>What a <c>system</c> event is about, in its <c>category</c> field.</summary>
public static class SystemEventCategories
{
    /// <summary>An administrator's announcement.</summary>
    public const string Announcement = "announcement";

    /// <summary>A component's health changed.</summary>
    public const string Health = "health";
}
