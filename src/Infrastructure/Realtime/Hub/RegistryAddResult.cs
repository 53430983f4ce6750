namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>Whether <see cref="ConnectionRegistry.Add"/> registered a connection, and why not.</summary>
internal enum RegistryAddResult
{
    /// <summary>Registered.</summary>
    Added,

    /// <summary>The node holds <see cref="RealtimeOptions.MaxClients"/> connections.</summary>
    NodeFull,

    /// <summary>The connection's user holds <see cref="RealtimeOptions.MaxStreamsPerUser"/> connections, on this node and the others together.</summary>
    UserFull,

    /// <summary>A connection with the same client id is registered already.</summary>
    DuplicateClientId,
}
