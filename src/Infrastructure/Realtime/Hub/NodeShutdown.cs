using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Application.Realtime;
using Microsoft.Extensions.Hosting;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// Ends every connection of this node when it starts stopping: streams get a jittered reconnect delay and end, a
/// waiting long-poll is answered with what it has. One registration for the node rather than one per connection,
/// which each stream would keep for its whole life (80 bytes each).
/// </summary>
internal sealed class NodeShutdown : IDisposable
{
    private readonly ConnectionRegistry _registry;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenRegistration _registration;

    public NodeShutdown(ConnectionRegistry registry, IHostApplicationLifetime lifetime)
    {
        _registry = registry;
        _stopping = lifetime.ApplicationStopping;
        _registration = _stopping.UnsafeRegister(static state => ((NodeShutdown)state!).CloseAll(), this);
    }

    /// <summary>Whether the node has started stopping: a new connection is refused with a 503.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>
    /// Called right after <paramref name="connection"/> was added to the registry. A connection added while the
    /// node-wide close was already going through the registry might have been missed by it; it is closed here instead.
    /// Returns whether it was.
    /// </summary>
    public bool CloseIfStopping(SseConnection connection)
    {
        if (!IsStopping)
        {
            return false;
        }

        Close(connection);
        return true;
    }

    public void Dispose() => _registration.Dispose();

    /// <summary>
    /// A jittered delay before the stream ends spreads the reconnects of every client of this node over the retry
    /// window instead of a storm at one instant; clients resume elsewhere with Last-Event-ID. It goes out twice: as a
    /// <c>shutdown</c> event, which every transport carries and a client that manages its own reconnects (Beacon's,
    /// which closes its EventSource on an error) can read, and as a <c>retry:</c> hint, last, for a plain EventSource,
    /// which reconnects by itself (the WebSocket and long-poll transports skip that one).
    /// </summary>
    private static void Close(SseConnection connection)
    {
        var retryMs = MinRetryMs + Random.Shared.Next(0, MaxRetryMs - MinRetryMs + 1);
        var now = DateTimeOffset.UtcNow;
        connection.TryEnqueue(EncodedEvent.Control(null, RealtimeEvent.Create(StandardEventTypes.Shutdown, new { retryMs }), now));
        connection.TryEnqueue(EncodedEvent.Raw(SseFrameEncoder.EncodeRetry(retryMs)));
        connection.Close(CloseReason.Shutdown);
    }

    /// <summary>The window a stopping node's clients are spread over (ms).</summary>
    internal const int MinRetryMs = 500, MaxRetryMs = 5000;

    private void CloseAll()
    {
        foreach (var connection in _registry.All)
        {
            Close(connection);
        }
    }
}
