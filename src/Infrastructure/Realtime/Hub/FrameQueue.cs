using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// A connection's bounded multi-producer, single-consumer queue of frames, without a lock. It replaces a
/// <c>BoundedChannel</c>, which takes its lock on every write, read and wait: at 5,000 connections the fan-out
/// loop and 5,000 writer loops contended for those locks (8 % of CPU in the broadcast profile, bench/README.md).
/// Producers never wait: a full queue refuses the frame. The single reader awaits a reusable
/// <see cref="IValueTaskSource{TResult}"/>, woken by whichever producer first sees it waiting; continuations
/// run asynchronously, so the fan-out loop never runs a connection's writer inline.
/// The count of accepted frames and the completed flag share one word, so a write either lands before completion
/// (and the reader drains it) or is refused: a frame is never accepted and then left unread.
/// </summary>
internal sealed class FrameQueue(int capacity) : ChannelReader<EncodedEvent>, IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<EncodedEvent> _items = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _waitToken;
    private const int CompletedFlag = 1 << 30;
    private const int CountMask = CompletedFlag - 1;

    // Low bits: frames accepted and not yet read (some may still be on their way into _items); CompletedFlag: no more writes.
    private int _state;
    private int _waiting;

    public override bool CanCount => true;

    public override int Count => Volatile.Read(ref _state) & CountMask;

    /// <summary>Completed, and every accepted frame has been read.</summary>
    private bool IsDrained => Volatile.Read(ref _state) == CompletedFlag;

    public override Task Completion => _completion.Task;

    /// <summary>Queues a frame; false when the queue is full or completed. Never waits.</summary>
    public bool TryWrite(EncodedEvent frame)
    {
        var state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & CompletedFlag) != 0 || (state & CountMask) >= capacity)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
            {
                break;
            }

            state = seen;
        }

        _items.Enqueue(frame);
        Wake();
        return true;
    }

    /// <summary>No more frames will be queued; the reader drains what is left, then its wait returns false.</summary>
    public bool TryComplete()
    {
        var state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & CompletedFlag) != 0)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _state, state | CompletedFlag, state);
            if (seen == state)
            {
                break;
            }

            state = seen;
        }

        _completion.TrySetResult();
        Wake();
        return true;
    }

    public override bool TryRead(out EncodedEvent item)
    {
        if (_items.TryDequeue(out item!))
        {
            Interlocked.Decrement(ref _state);
            return true;
        }

        return false;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (!_items.IsEmpty)
        {
            return new ValueTask<bool>(true);
        }

        if (IsDrained)
        {
            return new ValueTask<bool>(false);
        }

        _signal.Reset();
        _waitToken = cancellationToken;
        Interlocked.Exchange(ref _waiting, 1);

        // A producer that queued (or completed) before it could see the flag did not wake us: look again. Completed
        // with frames still on their way in is not drained: their producers wake us once they land.
        if ((!_items.IsEmpty || IsDrained) && Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            return new ValueTask<bool>(!IsDrained);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static state => ((FrameQueue)state!).CancelWait(), this);
        }

        return new ValueTask<bool>(this, _signal.Version);
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        _cancellation.Dispose();
        _cancellation = default;
        var result = _signal.GetResult(token);

        // Woken by completion with nothing left: the stream is over.
        return result && !IsDrained;
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);

    private void Wake()
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            _signal.SetResult(true);
        }
    }

    private void CancelWait()
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            _signal.SetException(new OperationCanceledException(_waitToken));
        }
    }
}
