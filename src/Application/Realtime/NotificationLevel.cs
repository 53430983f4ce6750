namespace Beacon.Application.Realtime;

/// <summary>The severity of a system notification or announcement. Serialized in lower case.</summary>
public enum NotificationLevel
{
    /// <summary>Info.</summary>
    Info,

    /// <summary>Warning.</summary>
    Warning,

    /// <summary>Error.</summary>
    Error,

    /// <summary>Critical.</summary>
    Critical,
}
