using Beacon.Application.Realtime;

namespace Beacon.Application.Messaging.Presence;

/// <summary>Presence names on the wire.</summary>
public static class PresenceNames
{
    /// <summary>For a user whose presence the caller may not see.</summary>
    public const string Unknown = "unknown";

    /// <summary>The wire name: <c>online</c>, <c>idle</c> or <c>offline</c>.</summary>
    public static string Of(PresenceStatus status) => status.ToString().ToLowerInvariant();
}
