namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>Whether a stream could be opened.</summary>
public enum SseStreamResult
{
    /// <summary>The stream ran and has ended.</summary>
    Completed,

    /// <summary>The node holds <see cref="RealtimeOptions.MaxClients"/> connections; nothing was written.</summary>
    NodeFull,

    /// <summary>The user holds <see cref="RealtimeOptions.MaxStreamsPerUser"/> connections, on this node and the others together; nothing was written.</summary>
    UserFull,

    /// <summary>The node is shutting down; nothing was written.</summary>
    ShuttingDown,
}
