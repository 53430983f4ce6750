namespace Beacon.Application.Realtime;

/// <summary>Who an event is addressed to.</summary>
public enum AudienceKind
{
    /// <summary>Every connection.</summary>
    All,

    /// <summary>Every connection of one or more users (all their tabs and devices).</summary>
    Users,

    /// <summary>Every connection subscribed to one or more topics.</summary>
    Topics,

    /// <summary>One or more specific connections, by client id.</summary>
    Clients,

    /// <summary>Connections whose metadata contains every given key/value pair.</summary>
    Metadata,
}
