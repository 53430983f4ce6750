using System.Net.WebSockets;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Fallbacks;

/// <summary>
/// The WebSocket fallback, <c>/api/ws</c>: the same connection as an SSE stream (registry, audience, bounded
/// queue, heartbeats, slow-consumer and token-expiry handling, resume from history), written as one JSON text
/// message <c>{id, type, data}</c> per event instead of SSE frames. The first message is <c>connected</c>; a
/// resume sends the missed events or one <c>reset</c>, exactly as on <c>/api/sse</c>. Messages from the client
/// are read only to notice that it closed.
/// </summary>
internal sealed partial class WebSocketStreamRunner(
    StreamAdmission admission,
    IEventHistory history,
    RealtimeCounters counters,
    NodeIdentity node,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    ILogger<WebSocketStreamRunner> logger)
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly RealtimeOptions _options = options.Value;

    /// <summary>
    /// Accepts the upgrade and runs the connection until either side ends it, then hands the request to
    /// <paramref name="end"/> with how it went, or what it threw. As on <c>/api/sse</c>, the route awaits nothing
    /// meanwhile, and the send loop runs here rather than in a method of its own: the socket's life keeps this
    /// method's state machine and the receive loop's, no others.
    /// </summary>
    /// <param name="context">The upgrade request.</param>
    /// <param name="request">Who connects and what to.</param>
    /// <param name="end">What the route does once the connection is over; called on every path, exceptions included.</param>
    public async Task RunAsync(HttpContext context, SseConnectRequest request, ISseStreamEnd end)
    {
        var result = SseStreamResult.Completed;
        Exception? failure = null;
        try
        {
            var connection = admission.Connection(context, request);
            var (refused, head) = await admission.AdmitAsync(connection, request, "ws", context.RequestAborted);
            if (refused is { } refusal)
            {
                result = refusal;
                return;
            }

            LogConnected(logger, connection.ClientId, request.UserId ?? "anonymous", request.LastEventId is not null);
            var aborted = context.RequestAborted;
            try
            {
                // Read history before accepting: if it is unavailable the client gets a 503 to retry, not a hole.
                var (replay, connectedId) = await StreamStart.ReplayAsync(history, request.LastEventId, head, connection.Scope, aborted);
                using var socket = await context.WebSockets.AcceptWebSocketAsync();

                // The handshake has read the headers; the request would keep them (the bearer token, a browser's cookies
                // and user agent, about 1.3 KB) as long as the socket lives. Clear() releases them because Beacon.Web
                // turns Kestrel's header string reuse off.
                context.Request.Headers.Clear();
                var receiving = ReceiveUntilClosedAsync(socket, connection);

                await SendAsync(socket, connection, EncodeConnected(connection, connectedId), aborted);
                var cursor = new DeliveryCursor(await SendReplayAsync(socket, connection, request.LastEventId ?? connectedId, replay, aborted));

                // The request (its topics and metadata) is in the connection now; this state machine would keep it.
                request = null!;
                var queue = connection.Queue;
                var open = true;
                while (open && await queue.WaitToReadAsync(aborted))
                {
                    cursor.StartBatch();
                    while (queue.TryRead(out var frame))
                    {
                        // Raw SSE control bytes (a retry: hint) mean nothing here.
                        if (frame.Type.Length == 0 || !cursor.Accept(frame))
                        {
                            continue;
                        }

                        if (socket.State != WebSocketState.Open)
                        {
                            open = false;
                            break;
                        }

                        await SendAsync(socket, connection, frame.JsonMessage, aborted);
                    }

                    counters.EventsWritten(cursor.Written, cursor.Oldest);
                }

                await CloseAsync(socket, connection.CloseReason);

                // Give the client a moment to answer the close handshake; a client that never does is cut off.
                if (await Task.WhenAny(receiving, Task.Delay(CloseHandshakeTimeout, clock, CancellationToken.None)) != receiving)
                {
                    context.Abort();
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (WebSocketException) when (aborted.IsCancellationRequested || connection.CloseReason != CloseReason.None)
            {
                // The socket was torn down under a pending send (client gone, or we aborted a slow consumer).
            }
            finally
            {
                admission.Release(connection);
                LogDisconnected(logger, connection.ClientId, connection.CloseReason);
            }
        }
        catch (Exception exception)
        {
            // A failure before the upgrade (history unavailable: a 503 to retry) is the route's to answer.
            failure = exception;
        }
        finally
        {
            await end.EndAsync(context, result, failure);
        }
    }

    private byte[] EncodeConnected(SseConnection connection, string? resumePoint)
    {
        var connected = RealtimeEvent.Create(StandardEventTypes.Connected, new
        {
            clientId = connection.ClientId,
            userId = connection.UserId,
            nodeId = node.NodeId,
            serverTime = clock.GetUtcNow(),
            heartbeatSeconds = _options.PingIntervalSeconds,
        });
        return JsonEventFrame.Encode(resumePoint, connected.Type, connected.Utf8Json.Span);
    }

    private async Task<long> SendReplayAsync(WebSocket socket, SseConnection connection, string? lastEventId, ReplayResult? replay, CancellationToken cancellationToken)
    {
        if (replay is null)
        {
            return 0;
        }

        if (replay.IsReset)
        {
            var reset = RealtimeEvent.Create(StandardEventTypes.Reset, new { reason = replay.ResetReason, lastEventId, currentId = replay.CurrentId });
            await SendAsync(socket, connection, JsonEventFrame.Encode(replay.CurrentId, reset.Type, reset.Utf8Json.Span), cancellationToken);
            counters.Replayed(reset: true);
            return replay.CurrentSequence;
        }

        var lastSent = EventPosition.SequenceOf(lastEventId);
        foreach (var missed in replay.Events)
        {
            await SendAsync(socket, connection, missed.JsonMessage, cancellationToken);
            lastSent = missed.Sequence;
        }

        counters.Replayed(reset: false);
        counters.EventsWritten(replay.Events.Count, replay.Events.Count > 0 ? replay.Events[0].PublishedAt : null);
        return lastSent;
    }

    private static async Task SendAsync(WebSocket socket, SseConnection connection, byte[] message, CancellationToken cancellationToken)
    {
        connection.WriteStarted();
        await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        connection.WriteCompleted();
    }

    /// <summary>Reads (and ignores) client messages until the client closes, then ends the connection.</summary>
    private static async Task ReceiveUntilClosedAsync(WebSocket socket, SseConnection connection)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (WebSocketException)
        {
            // The connection dropped.
        }
        catch (OperationCanceledException)
        {
            // The request was aborted.
        }

        connection.Close(CloseReason.Client);
    }

    private static async Task CloseAsync(WebSocket socket, CloseReason reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        var (status, description) = reason switch
        {
            CloseReason.Shutdown => (WebSocketCloseStatus.EndpointUnavailable, "node shutting down; reconnect with lastEventId"),
            CloseReason.TokenExpired => (WebSocketCloseStatus.PolicyViolation, "token expired"),
            CloseReason.Disconnected => (WebSocketCloseStatus.NormalClosure, "disconnected by an administrator"),
            CloseReason.Resync => (WebSocketCloseStatus.EndpointUnavailable, "resync; reconnect with lastEventId"),
            _ => (WebSocketCloseStatus.NormalClosure, string.Empty),
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseOutputAsync(status, description, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The peer is gone; nothing left to tell it.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client {ClientId} connected for {UserId} (resume: {Resuming})")]
    private static partial void LogConnected(ILogger logger, string clientId, string userId, bool resuming);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client {ClientId} disconnected ({Reason})")]
    private static partial void LogDisconnected(ILogger logger, string clientId, CloseReason reason);
}
