using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Writes a stream's queued frames to its response: from the stream's own loop, or, while that loop is parked,
/// inline on the thread of the producer that queued them (the fan-out loop, the heartbeat). Inline, a broadcast
/// costs one copy into the response pipe and one flush per connection on the fan-out thread, where waking each
/// connection's loop costs a thread-pool hop per connection; the sends themselves still run on Kestrel's I/O queues.
/// A flush that cannot finish at once (the client is not draining) is handed to the loop, so no producer waits.
/// </summary>
/// <remarks>
/// The queue's reader role makes the two exclusive: only its holder calls <see cref="WriteQueuedAsync"/> or flushes.
/// </remarks>
internal sealed class SseQueueWriter : FrameQueue.IInlineReader
{
    private readonly SseConnection _connection;
    private readonly PipeWriter _writer;
    private readonly RealtimeCounters _counters;
    private long _lastSent;
    private ValueTask<FlushResult> _handedOver;
    private ExceptionDispatchInfo? _failure;

    public SseQueueWriter(SseConnection connection, PipeWriter writer, RealtimeCounters counters, long lastSent)
    {
        _connection = connection;
        _writer = writer;
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
    /// frames, and starts the flush. The last frame goes out with <see cref="PipeWriter.WriteAsync"/>,
    /// which Kestrel turns into one chunk and one flush under one lock; copying it in with GetSpan/Advance would take
    /// the response's lock twice more and then shift the bytes to fit the chunk header. A broadcast usually finds one
    /// frame queued, so this is the whole write.
    /// </summary>
    private ValueTask<FlushResult> WriteQueuedAndFlush(EncodedEvent? handed, CancellationToken cancellationToken)
    {
        var cursor = new DeliveryCursor(_lastSent);
        ReadOnlyMemory<byte> last = default;
        var frame = handed;
        while (frame is not null || _connection.Queue.TryRead(out frame))
        {
            if (cursor.Accept(frame))
            {
                if (!last.IsEmpty)
                {
                    _writer.Write(last.Span);
                }

                last = frame.Frame;
            }

            frame = null;
        }

        _counters.EventsWritten(cursor.Written, cursor.Oldest);
        _lastSent = cursor.LastSent;
        return last.IsEmpty ? _writer.FlushAsync(cancellationToken) : _writer.WriteAsync(last, cancellationToken);
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
