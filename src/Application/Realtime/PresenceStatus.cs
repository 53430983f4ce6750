namespace Beacon.Application.Realtime;

/// <summary>A user's presence, derived from their connections (and what their client says about idleness).</summary>
public enum PresenceStatus
{
    /// <summary>No open connection on any node.</summary>
    Offline,

    /// <summary>Connected and active.</summary>
    Online,

    /// <summary>Connected, but their client reported them idle.</summary>
    Idle,
}
