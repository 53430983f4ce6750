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
/// The queue's reader role makes the two exclusive: only its holder calls <see cref="WriteQueued"/> or flushes.
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

    /// <summary>Writes what is queued, skipping what the replay already sent. Reader role only.</summary>
    public void WriteQueued()
    {
        var cursor = new DeliveryCursor(_lastSent);
        while (_connection.Queue.TryRead(out var frame))
        {
            if (cursor.Accept(frame))
            {
                _writer.Write(frame.Frame.Span);
            }
        }

        _counters.EventsWritten(cursor.Written, cursor.Oldest);
        _lastSent = cursor.LastSent;
    }

    /// <summary>Flushes; false once the response is over. Reader role only.</summary>
    public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => SseStreamRunner.FlushAsync(_writer, _connection, cancellationToken);

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
        var result = await pending;
        _connection.WriteCompleted();
        return !result.IsCompleted && !result.IsCanceled;
    }

    bool FrameQueue.IInlineReader.TryReadInline()
    {
        try
        {
            WriteQueued();
            _connection.WriteStarted();
            var flush = _writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                _handedOver = flush;
                return false;
            }

            var result = flush.Result;
            _connection.WriteCompleted();
            if (result.IsCompleted || result.IsCanceled)
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
