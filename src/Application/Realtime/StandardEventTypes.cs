namespace Beacon.Application.Realtime;

/// <summary>The event type names Beacon itself uses. Documented in docs/events.md.</summary>
public static class StandardEventTypes
{
    /// <summary>First event of every stream: <c>{clientId, userId, nodeId, serverTime, heartbeatSeconds}</c>.</summary>
    public const string Connected = "connected";

    /// <summary>Heartbeat.</summary>
    public const string Ping = "ping";

    /// <summary>The requested resume point is not in history; the client must refetch its state.</summary>
    public const string Reset = "reset";

    /// <summary>The token behind the stream expired; refresh it and reconnect with Last-Event-ID.</summary>
    public const string TokenExpired = "token_expired";

    /// <summary>
    /// The node is shutting down and ends the stream after this event: <c>{retryMs}</c>, a jittered delay to wait
    /// before reconnecting (with Last-Event-ID), so the node's clients do not all land on the others at once.
    /// </summary>
    public const string Shutdown = "shutdown";

    /// <summary>System-wide notification or announcement.</summary>
    public const string System = "system";

    /// <summary>A user notification.</summary>
    public const string Notification = "notification";

    /// <summary>A real-time data update.</summary>
    public const string Update = "update";

    /// <summary>Progress of an operation.</summary>
    public const string Progress = "progress";

    /// <summary>A success notification.</summary>
    public const string Success = "success";

    /// <summary>An error notification.</summary>
    public const string Error = "error";

    /// <summary>A job finished.</summary>
    public const string JobCompleted = "job_completed";

    /// <summary>An entity was created, updated or deleted.</summary>
    public const string DataChange = "data_change";

    /// <summary>A new chat message.</summary>
    public const string Message = "message";

    /// <summary>A user is typing.</summary>
    public const string Typing = "typing";

    /// <summary>A user's presence changed.</summary>
    public const string Presence = "presence";

    /// <summary>A metric changed.</summary>
    public const string MetricsUpdate = "metrics_update";
}
