using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Beacon.Infrastructure.Realtime.Sse.Handover;

/// <summary>
/// Lets a started SSE stream take its plain HTTP/1.1 connection from Kestrel's HTTP layer, so that the request ends and
/// Kestrel frees what it keeps per request (the connection's protocol state, header dictionaries, the HTTP context and
/// its features: about 3.9 KB of live heap per idle stream, measured with bench/HeapStat) while the socket stays open.
/// </summary>
/// <remarks>
/// A connection middleware (<see cref="Use"/>) runs before Kestrel's HTTP layer on every connection and gives it a
/// transport it can cut: once <see cref="Detach"/> is called, the HTTP layer's writes go nowhere, its next read finds the
/// connection finished, and its aborts are ignored, so the request and then the HTTP layer end quietly. The middleware
/// then holds the connection open until the stream says it is done (<see cref="Complete"/>). The HTTP layer's per-second
/// timeout tick, registered with the connection for its whole life, would keep all of it reachable; the middleware
/// stands in for that registration and drops it at the hand-over. Streams written through Kestrel (TLS, HTTP/2, a host
/// without sockets) never hand over.
/// </remarks>
internal sealed class StreamHandover : IConnectionHeartbeatFeature
{
    private readonly ConnectionContext _connection;
    private readonly HandoverPipe _pipe;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IConnectionHeartbeatFeature? _heartbeat;
    private Action<object>? _tick;
    private object? _tickState;
    private volatile bool _detached;

    private StreamHandover(ConnectionContext connection)
    {
        _connection = connection;
        _pipe = new HandoverPipe(connection.Transport);
    }

    /// <summary>Whether the HTTP layer has let go of the connection.</summary>
    public bool Detached => _detached;

    /// <summary>The connection's own close token: the client went away, or the connection was aborted.</summary>
    public CancellationToken Closed => _connection.ConnectionClosed;

    /// <summary>The connection middleware: every connection on every endpoint, so any plain HTTP/1.1 stream can hand over.</summary>
    public static ConnectionDelegate Use(ConnectionDelegate next) => connection => RunAsync(connection, next);

    /// <summary>
    /// The hand-over of <paramref name="context"/>'s connection, where it can have one: plain HTTP/1.1 through the
    /// middleware, with the HTTP layer reading and writing the transport the middleware gave it (not TLS's), and the
    /// request already told of the client's leaving by the connection's own token (<see cref="StreamAbortToken"/>).
    /// </summary>
    public static StreamHandover? Of(HttpContext context) =>
        context.Features.Get<StreamHandover>() is { } handover
        && handover._pipe.InUse
        && HttpProtocol.IsHttp11(context.Request.Protocol)
        && context.Features.Get<ITlsConnectionFeature>() is null
        && context.RequestAborted == handover.Closed
            ? handover
            : null;

    /// <summary>
    /// Cuts the HTTP layer off: from now on it can neither write to, read from nor abort the connection, and the request
    /// may end. Call once the response is on the socket; the stream then owns the connection until <see cref="Complete"/>.
    /// </summary>
    public void Detach()
    {
        _detached = true;
        _pipe.Detach();
        lock (_pipe)
        {
            _tick = null;
            _tickState = null;
        }
    }

    /// <summary>Aborts the connection itself (the HTTP layer's abort is ignored once detached).</summary>
    public void Abort() => _connection.Abort();

    /// <summary>The stream is over and has closed or aborted the connection: the middleware may return.</summary>
    public void Complete() => _completed.TrySetResult();

    void IConnectionHeartbeatFeature.OnHeartbeat(Action<object> action, object state)
    {
        lock (_pipe)
        {
            if (_tick is null && !_detached)
            {
                _tick = action;
                _tickState = state;
                return;
            }
        }

        // Kestrel's HTTP layer registers once; anything else registers with the connection itself.
        _heartbeat?.OnHeartbeat(action, state);
    }

    private void Tick()
    {
        Action<object>? tick;
        object? state;
        lock (_pipe)
        {
            (tick, state) = (_tick, _tickState);
        }

        tick?.Invoke(state!);
    }

    private static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var handover = new StreamHandover(connection);
        var features = connection.Features;
        handover._heartbeat = features.Get<IConnectionHeartbeatFeature>();
        handover._heartbeat?.OnHeartbeat(static h => ((StreamHandover)h).Tick(), handover);
        features.Set<IConnectionHeartbeatFeature>(handover);
        features.Set(handover);
        try
        {
            await next(new HandoverConnectionContext(connection, handover, handover._pipe));
        }
        finally
        {
            features.Set<StreamHandover>(null);
            features.Set(handover._heartbeat);
        }

        if (handover._detached)
        {
            // The HTTP layer put its timeout control here, which points back at all of its state.
            features.Set<IConnectionTimeoutFeature>(null);
            await handover._completed.Task;
        }
    }
}
