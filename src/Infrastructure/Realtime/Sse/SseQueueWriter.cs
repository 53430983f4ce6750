using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Writes a stream's queued frames to its response: from the stream's own loop, or, while that loop is parked,
/// inline on the thread of the producer that queued them (the fan-out loop, the heartbeat). Inline, a broadcast
/// costs one write per connection on the fan-out thread (a <c>send</c> on a plain HTTP/1.1 connection, else a copy
/// into Kestrel's response pipe and a flush), where waking each connection's loop costs a thread-pool hop per
/// connection. A flush that cannot finish at once (the client is not draining) is handed to the loop, so no producer waits.
/// </summary>
/// <remarks>
/// The queue's reader role makes the two exclusive: only its holder calls <see cref="WriteQueuedAsync"/> or flushes.
/// </remarks>
internal sealed class SseQueueWriter : FrameQueue.IInlineReader
{
    private readonly SseConnection _connection;
    private readonly ISseOutput _output;
    private readonly RealtimeCounters _counters;
    private long _lastSent;
    private ValueTask<FlushResult> _handedOver;
    private ExceptionDispatchInfo? _failure;

    public SseQueueWriter(SseConnection connection, ISseOutput output, RealtimeCounters counters, long lastSent)
    {
        _connection = connection;
        _output = output;
        _counters = counters;
        _lastSent = lastSent;
        connection.ReadInlineWith(this);
    }

    /// <summary>Writes what is queued, skipping what the replay already sent, and flushes; false once the response is over. Reader role only.</summary>
    public ValueTask<bool> WriteQueuedAsync(CancellationToken cancellationToken)
    {
        _connection.WriteStarted();
        return CompleteAsync(WriteQueuedAndFlush(null, cancellationToken), _connection);
    }

    /// <summary>
    /// Awaits a write or flush whose start was recorded (<see cref="SseConnection.WriteStarted"/>) and records its end.
    /// False once the response is over.
    /// </summary>
    internal static async ValueTask<bool> CompleteAsync(ValueTask<FlushResult> write, SseConnection connection)
    {
        var result = await write;
        connection.WriteCompleted();
        return IsOpen(result);
    }

    private static bool IsOpen(FlushResult result) => !result.IsCompleted && !result.IsCanceled;

    /// <summary>
    /// Writes <paramref name="handed"/> (a frame the queue gave this reader without queueing it), then the queued
    /// frames, and starts the flush. The last frame goes out with the flush; a broadcast usually finds one frame
    /// queued, so that is the whole write.
    /// </summary>
    private ValueTask<FlushResult> WriteQueuedAndFlush(EncodedEvent? handed, CancellationToken cancellationToken)
    {
        var cursor = new DeliveryCursor(_lastSent);
        EncodedEvent? last = null;
        var frame = handed;
        while (frame is not null || _connection.Queue.TryRead(out frame))
        {
            if (cursor.Accept(frame))
            {
                if (last is not null)
                {
                    _output.Write(last);
                }

                last = frame;
            }

            frame = null;
        }

        _counters.EventsWritten(cursor.Written, cursor.Oldest);
        _lastSent = cursor.LastSent;
        return _output.FlushAsync(last, cancellationToken);
    }

    /// <summary>
    /// Finishes what an inline read handed over: waits for its flush, or rethrows its failure. False once the
    /// response is over. The loop calls it each time it wakes, and once more when it ends.
    /// </summary>
    public async ValueTask<bool> FinishHandedOverAsync()
    {
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            failure.Throw();
        }

        if (_handedOver == default)
        {
            return true;
        }

        var pending = _handedOver;
        _handedOver = default;
        return await CompleteAsync(pending, _connection);
    }

    bool FrameQueue.IInlineReader.TryReadInline(EncodedEvent? handed)
    {
        try
        {
            _connection.WriteStarted();
            var flush = WriteQueuedAndFlush(handed, CancellationToken.None);
            if (!flush.IsCompleted)
            {
                _handedOver = flush;
                return false;
            }

            var result = flush.Result;
            _connection.WriteCompleted();
            if (!IsOpen(result))
            {
                _connection.Close(CloseReason.Client);
                return false;
            }

            return true;
        }
        catch (Exception ex)
        {
            // The loop rethrows it where the stream's own failures are handled (and reported).
            _failure = ExceptionDispatchInfo.Capture(ex);
            _connection.Close(CloseReason.Client);
            return false;
        }
    }
}
