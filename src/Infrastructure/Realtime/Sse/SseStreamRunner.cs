using System.Buffers;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse.Handover;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Runs one SSE stream: registers the connection, sends <c>retry:</c> and <c>connected</c>, replays what a
/// resuming client missed, then drains the connection's queue to the socket until either side ends it.
/// Registration comes before the history read, so nothing published during the replay is missed; the
/// writer skips positions it already sent, so nothing is sent twice. The route's <see cref="ISseStreamEnd"/> then ends
/// the request: at the stream's end, or, for a stream that took its connection over, as soon as it has started.
/// </summary>
internal sealed partial class SseStreamRunner
{
    private readonly StreamAdmission _admission;
    private readonly IEventHistory _history;
    private readonly RealtimeCounters _counters;
    private readonly NodeIdentity _node;
    private readonly RealtimeOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SseStreamRunner> _logger;
    private readonly byte[] _retryFrame;

    public SseStreamRunner(
        StreamAdmission admission,
        IEventHistory history,
        RealtimeCounters counters,
        NodeIdentity node,
        IOptions<RealtimeOptions> options,
        TimeProvider clock,
        ILogger<SseStreamRunner> logger)
    {
        _admission = admission;
        _history = history;
        _counters = counters;
        _node = node;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _retryFrame = SseFrameEncoder.EncodeRetry(_options.RetryMilliseconds);
    }

    /// <summary>
    /// Opens and runs the stream for <paramref name="request"/> until it ends, then hands the request to
    /// <paramref name="end"/> with how the stream went, or what it threw. The route awaits nothing meanwhile. A stream
    /// that can take its connection over from the request (<see cref="StreamHandover"/>) does so once started: the
    /// request then ends at once, and the writer loop's state machine is the only one the stream keeps for its life.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="request">Who connects and what to.</param>
    /// <param name="profile">What sets this stream apart from the general one; <see cref="SseStreamProfile.Default"/> when null.</param>
    /// <param name="end">What the route does once the stream is over; called on every path, exceptions included.</param>
    public async Task RunAsync(HttpContext context, SseConnectRequest request, SseStreamProfile? profile, ISseStreamEnd end)
    {
        var result = SseStreamResult.Completed;
        Exception? failure = null;
        try
        {
            var connection = _admission.Connection(context, request);
            connection.Profile = profile ?? SseStreamProfile.Default;
            var (refused, head) = await _admission.AdmitAsync(connection, request, "sse", context.RequestAborted);
            if (refused is { } refusal)
            {
                result = refusal;
                return;
            }

            LogConnected(_logger, connection.ClientId, request.UserId ?? "anonymous", request.LastEventId is not null);
            var aborted = context.RequestAborted;

            // A client going away completes the queue, which ends the writer's wait: one registration per stream rather
            // than one per wait, and no exception per disconnect (thousands at once in a reconnect storm). It lasts as
            // long as the stream, which may outlive this method (a stream that took its connection over).
            var onAborted = aborted.UnsafeRegister(static c => ((SseConnection)c!).Close(CloseReason.Client), connection);
            ISseOutput output;
            try
            {
                output = OutputFor(context);
            }
            catch
            {
                // Admitted but not started: the registration must not outlive the request. A client that left during
                // a slow admission (Redis down) has a disposed socket by now; that is its leaving, not a failure.
                onAborted.Dispose();
                _admission.Release(connection);
                if (aborted.IsCancellationRequested)
                {
                    return;
                }

                throw;
            }

            // Once the writer loop runs, it ends the stream; until then, this method does.
            var pumped = false;
            try
            {
                // The start (replay, initial events) runs in its own method, so what it needed is not kept for the
                // stream's lifetime by this method's state.
                var lastSent = await StartAsync(context, output, connection, request, head, aborted);

                // The request (with its parsed topics and metadata) is not needed once the stream has started; the
                // state machine would otherwise keep it for the stream's life.
                request = null!;
                if (lastSent is { } position)
                {
                    if (output is SocketSseOutput socket && StreamHandover.Of(context) is { } handover)
                    {
                        // The request ends when this method returns, and the writer loop's state machine is then the only
                        // one the stream keeps; Kestrel's per-request state goes with the request.
                        connection.OnAbort(handover);
                        socket.HandOver(handover);
                        handover.Detach();

                        // Without the request's execution context: its async locals (the request's activity, logging
                        // scopes) would otherwise live as long as the stream.
                        using (ExecutionContext.SuppressFlow())
                        {
                            pumped = true;
                            _ = PumpAsync(connection, output, position, aborted, onAborted, handover);
                        }
                    }
                    else
                    {
                        pumped = true;
                        await PumpAsync(connection, output, position, aborted, onAborted, handover: null);
                    }
                }
            }
            catch (Exception exception) when (IsStreamOver(exception, aborted, connection, output))
            {
                // The client went away, or we aborted it; a failure once the response started is logged there.
            }
            finally
            {
                if (!pumped)
                {
                    await EndStreamAsync(connection, output, onAborted, handover: null);
                }
            }
        }
        catch (Exception exception)
        {
            // A failure before the response started (history unavailable: a 503 to retry) is the route's to answer.
            failure = exception;
        }
        finally
        {
            await end.EndAsync(context, result, failure);
        }
    }

    /// <summary>
    /// Drains the connection's queue to the output until either side ends the stream, then ends it. Runs on after the
    /// request has ended when the stream took its connection over (<paramref name="handover"/>), so nothing here may
    /// touch the request; it never throws then.
    /// </summary>
    private async Task PumpAsync(SseConnection connection, ISseOutput output, long position, CancellationToken aborted, CancellationTokenRegistration onAborted, StreamHandover? handover)
    {
        try
        {
            var writer = new SseQueueWriter(connection, output, _counters, position);
            var queue = connection.Queue;

            // No token on the wait: the abort registration completes the queue instead (and a wait without one is what
            // lets producers write inline while the loop is parked).
            while (await queue.WaitToReadAsync())
            {
                if (!await writer.FinishHandedOverAsync())
                {
                    break;
                }

                if (!await writer.WriteQueuedAsync(aborted))
                {
                    break;
                }
            }

            // The queue can complete while an inline flush is still under way: the response must not end under it.
            await writer.FinishHandedOverAsync();
        }
        catch (Exception exception) when (IsStreamOver(exception, aborted, connection, output))
        {
            // The client went away, or we aborted it; a failure once the response started is logged there.
        }
        finally
        {
            await EndStreamAsync(connection, output, onAborted, handover);
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> just ends the stream: the client went away, the transport was torn down under
    /// a pending write (client gone, or a slow consumer we aborted), or the response is on the wire already and Kestrel
    /// does not know it, so nothing may answer the request again (logged). Anything else is the route's to answer.
    /// </summary>
    private bool IsStreamOver(Exception exception, CancellationToken aborted, SseConnection connection, ISseOutput output)
    {
        switch (exception)
        {
            case OperationCanceledException when aborted.IsCancellationRequested:
            case IOException when aborted.IsCancellationRequested || connection.CloseReason != CloseReason.None:
                return true;
            case not null when output is SocketSseOutput { Started: true }:
                LogStreamFailed(_logger, exception, connection.ClientId);
                return true;
            default:
                return false;
        }
    }

    private async Task EndStreamAsync(SseConnection connection, ISseOutput output, CancellationTokenRegistration onAborted, StreamHandover? handover)
    {
        try
        {
            onAborted.Dispose();
            _admission.Release(connection);
            LogDisconnected(_logger, connection.ClientId, connection.CloseReason);
            await output.EndAsync();
        }
        finally
        {
            handover?.Complete();
        }
    }

    /// <summary>
    /// Starts the response: <c>retry:</c>, <c>connected</c> (with the resume point), the profile's initial events and
    /// the replay, flushed. Returns the last position sent, or null when the client is already gone.
    /// </summary>
    private async Task<long?> StartAsync(HttpContext context, ISseOutput output, SseConnection connection, SseConnectRequest request, string? head, CancellationToken aborted)
    {
        // Read history before the response starts: if it is unavailable the client gets a 503 to retry,
        // not a stream with a hole in it.
        var (replay, connectedId) = await StreamStart.ReplayAsync(_history, request.LastEventId, head, connection.Scope, aborted);
        var initial = connection.Profile.InitialEvents is { } initialEvents ? await initialEvents(connection.UserId, aborted) : [];
        StartResponse(context);
        var writer = output.Start;
        writer.Write(_retryFrame);
        WriteConnected(writer, connection, connectedId);
        foreach (var state in initial)
        {
            SseFrameEncoder.WriteEvent(writer, null, state.Type, state.Utf8Json.Span);
        }

        var lastSent = await WriteReplayAsync(writer, connection, request.LastEventId ?? connectedId, replay, aborted);
        return await FlushAsync(writer, connection, aborted) ? lastSent : null;
    }

    /// <summary>The connection's socket when the options allow it and the connection is plain HTTP/1.1, else Kestrel's response.</summary>
    private ISseOutput OutputFor(HttpContext context)
    {
        if (_options.DirectSocketWrites && SocketSseOutput.TryCreate(context) is { } socket)
        {
            return socket;
        }

        // Kestrel writes this response, and only the headers it holds.
        StagedResponseHeaders.Unstage(context);
        return new PipeSseOutput(context.Response.BodyWriter);
    }

    private static void StartResponse(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";

        // Response buffering or compression would hold events back until a buffer fills.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private void WriteConnected(System.IO.Pipelines.PipeWriter writer, SseConnection connection, string? resumePoint)
    {
        var payload = new
        {
            clientId = connection.ClientId,
            userId = connection.UserId,
            nodeId = _node.NodeId,
            serverTime = _clock.GetUtcNow(),
            heartbeatSeconds = _options.PingIntervalSeconds,
        };
        var connected = RealtimeEvent.Create(StandardEventTypes.Connected, payload);
        SseFrameEncoder.WriteEvent(writer, resumePoint, connected.Type, connected.Utf8Json.Span);
    }

    /// <summary>Writes what the client missed (or a reset) and returns the last position sent.</summary>
    private async Task<long> WriteReplayAsync(System.IO.Pipelines.PipeWriter writer, SseConnection connection, string? lastEventId, ReplayResult? replay, CancellationToken cancellationToken)
    {
        if (replay is null)
        {
            return 0;
        }

        if (replay.IsReset)
        {
            var reset = RealtimeEvent.Create(StandardEventTypes.Reset, new { reason = replay.ResetReason, lastEventId, currentId = replay.CurrentId });
            SseFrameEncoder.WriteEvent(writer, replay.CurrentId, reset.Type, reset.Utf8Json.Span);
            LogReset(_logger, connection.ClientId, replay.ResetReason!);
            _counters.Replayed(reset: true);
            return replay.CurrentSequence;
        }

        // Start from the resume point itself: an event at or before it that reaches the live queue late
        // (published before the reconnect, dispatched after) is one the client already has.
        var lastSent = replay.CurrentSequence;
        foreach (var missed in replay.Events)
        {
            lastSent = missed.Sequence;
            if (!connection.Profile.Accepts(missed.Type))
            {
                continue;
            }

            writer.Write(missed.Frame.Span);

            // A long replay goes out in chunks, so a reconnect storm does not buffer whole histories in memory.
            if (writer.UnflushedBytes > 64 * 1024)
            {
                await FlushAsync(writer, connection, cancellationToken);
            }
        }

        _counters.Replayed(reset: false);
        _counters.EventsWritten(replay.Events.Count, replay.Events.Count > 0 ? replay.Events[0].PublishedAt : null);
        return lastSent;
    }

    /// <summary>Flushes, marking the write for the stall check; false once the response is over.</summary>
    private static ValueTask<bool> FlushAsync(System.IO.Pipelines.PipeWriter writer, SseConnection connection, CancellationToken cancellationToken)
    {
        connection.WriteStarted();
        return SseQueueWriter.CompleteAsync(writer.FlushAsync(cancellationToken), connection);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SSE client {ClientId} connected for {UserId} (resume: {Resuming})")]
    private static partial void LogConnected(ILogger logger, string clientId, string userId, bool resuming);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SSE client {ClientId} disconnected ({Reason})")]
    private static partial void LogDisconnected(ILogger logger, string clientId, CloseReason reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "SSE stream of client {ClientId} failed after it started; the connection was closed")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SSE client {ClientId} could not resume ({Reason}); sent reset")]
    private static partial void LogReset(ILogger logger, string clientId, string reason);
}
