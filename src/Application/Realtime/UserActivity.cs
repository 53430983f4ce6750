namespace Beacon.Application.Realtime;

/// <summary>A user's activity, for <c>presence</c> and <c>typing</c> events. Serialized in lower case.</summary>
public enum UserActivity
{
    /// <summary>Online.</summary>
    Online,

    /// <summary>Offline.</summary>
    Offline,

    /// <summary>Typing.</summary>
    Typing,

    /// <summary>Idle.</summary>
    Idle,
}
