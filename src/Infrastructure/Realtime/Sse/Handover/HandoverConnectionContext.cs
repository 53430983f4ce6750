using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Beacon.Infrastructure.Realtime.Sse.Handover;

/// <summary>
/// The connection as Kestrel's HTTP layer sees it (<see cref="StreamHandover"/>): the real one, but with a transport that
/// can be cut, and aborts that are ignored once the stream has taken the connection over. The HTTP layer aborts a
/// connection it believes finished; the stream's socket must outlive the request.
/// </summary>
internal sealed class HandoverConnectionContext(ConnectionContext inner, StreamHandover handover, HandoverPipe pipe) : ConnectionContext
{
    private IDuplexPipe? _replaced;

    public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }

    public override IFeatureCollection Features => inner.Features;

    public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }

    /// <summary>
    /// The cuttable transport, until a middleware in between (TLS) replaces it with its own: the HTTP layer then reads
    /// that, the stream never writes to the socket, and the pipe only passes bytes through.
    /// </summary>
    public override IDuplexPipe Transport
    {
        get => _replaced ?? pipe;
        set
        {
            _replaced = ReferenceEquals(value, pipe) ? null : value;
            pipe.InUse = _replaced is null;
        }
    }

    public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }

    public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }

    public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (!handover.Detached)
        {
            inner.Abort(abortReason);
        }
    }

    public override void Abort()
    {
        if (!handover.Detached)
        {
            inner.Abort();
        }
    }

    // Kestrel disposes the connection itself once the middleware returns; the HTTP layer does not.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
