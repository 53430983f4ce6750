namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>Why a connection ended.</summary>
internal enum CloseReason
{
    /// <summary>Still open.</summary>
    None,

    /// <summary>The client went away.</summary>
    Client,

    /// <summary>Its queue filled: it did not read fast enough.</summary>
    SlowConsumer,

    /// <summary>No successful write for the client timeout.</summary>
    Timeout,

    /// <summary>An administrator disconnected it.</summary>
    Disconnected,

    /// <summary>The node is shutting down.</summary>
    Shutdown,

    /// <summary>The node may have missed events; the client resumes from history.</summary>
    Resync,

    /// <summary>The token behind the stream expired; the client refreshes it and resumes.</summary>
    TokenExpired,
}
