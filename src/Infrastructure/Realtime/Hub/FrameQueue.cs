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
/// <remarks>
/// Frames are linked nodes (an intrusive MPSC list: producers swap the head, the reader follows the links), so an
/// idle connection holds one empty node rather than a pre-sized segment: most of the thousands of connections a
/// node holds are idle most of the time. A frame for a reader parked for inline reads, with nothing queued, is
/// handed to it without a node, so the usual broadcast delivery allocates nothing.
/// </remarks>
internal sealed class FrameQueue : ChannelReader<EncodedEvent>, IValueTaskSource<bool>
{
    private const int CompletedFlag = 1 << 30;
    private const int CountMask = CompletedFlag - 1;

    private readonly int _capacity;
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _waitToken;
    private TaskCompletionSource? _completion;

    // Producers swap themselves in at the head; the reader's stub is the tail, whose Next is the oldest frame.
    private Node _head;
    private Node _tail;

    // Low bits: frames accepted and not yet read (some may still be on their way into the list); CompletedFlag: no more writes.
    private int _state;
    private int _waiting;
    private IInlineReader? _inlineReader;
    private bool _waitIsInline;

    public FrameQueue(int capacity)
    {
        _capacity = capacity;
        _head = _tail = new Node(null);
    }

    public override bool CanCount => true;

    public override int Count => Volatile.Read(ref _state) & CountMask;

    /// <summary>Completes once <see cref="TryComplete"/> was called; created on first use (nothing in the hot path awaits it).</summary>
    public override Task Completion
    {
        get
        {
            if (Volatile.Read(ref _completion) is { } existing)
            {
                return existing.Task;
            }

            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var completion = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
            if ((Volatile.Read(ref _state) & CompletedFlag) != 0)
            {
                completion.TrySetResult();
            }

            return completion.Task;
        }
    }

    /// <summary>Completed, and every accepted frame has been read.</summary>
    private bool IsDrained => Volatile.Read(ref _state) == CompletedFlag;

    /// <summary>
    /// Whether a frame is linked in and ready to read (reader side only). The count is looked at first: an unread frame
    /// is always counted, and the count sits on this object, which every write touches anyway, while the tail node
    /// can be anywhere in the heap (a cache miss per connection per broadcast).
    /// </summary>
    private bool HasNext => (Volatile.Read(ref _state) & CountMask) != 0 && Volatile.Read(ref _tail.Next) is not null;

    /// <summary>
    /// Lets producers that find the reader parked read on its behalf, on their own thread (see
    /// <see cref="IInlineReader"/>). Set once by the reader before its first wait; applies to waits without a token.
    /// </summary>
    public void ReadInlineWith(IInlineReader reader) => _inlineReader = reader;

    /// <summary>Queues a frame; false when the queue is full or completed. Never waits.</summary>
    public bool TryWrite(EncodedEvent frame) => TryWrite(frame, defer: false);

    /// <summary>
    /// Queues a frame; false when the queue is full or completed. Never waits. A <paramref name="defer"/>red frame is only
    /// linked: a parked reader is neither served nor woken, so the caller must follow it with a frame that is not
    /// deferred (the next of the same batch), which takes everything queued to the reader in one write.
    /// </summary>
    public bool TryWrite(EncodedEvent frame, bool defer)
    {
        int state = Volatile.Read(ref _state), unread;
        while (true)
        {
            if ((state & CompletedFlag) != 0 || (state & CountMask) >= _capacity)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
            {
                unread = state & CountMask;
                break;
            }

            state = seen;
        }

        if (defer)
        {
            // An awake reader finds it when it next looks; a parked one is served with the frame that follows.
            Link(frame);
            return true;
        }

        // The reader is parked: take its role. If it reads inline and nothing was unread when this frame was counted
        // (a broadcast's usual case), the frame goes straight to it without a node: at 50,000 deliveries a second the
        // nodes were 1.5 MB/s of garbage, each also linked from the older node before it, which the GC had to trace
        // from gen1. Frames other producers count meanwhile are linked, and read after this one.
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            if (unread == 0 && _waitIsInline && (Volatile.Read(ref _state) & CompletedFlag) == 0)
            {
                Interlocked.Decrement(ref _state);
                ServeAsReader(frame);
                return true;
            }

            Link(frame);
            ServeAsReader(null);
            return true;
        }

        Link(frame);
        Wake();
        return true;
    }

    private void Link(EncodedEvent frame)
    {
        var node = new Node(frame);
        var previous = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref previous.Next, node);
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

        Volatile.Read(ref _completion)?.TrySetResult();
        Wake();
        return true;
    }

    /// <summary>Takes the oldest frame. Only the single reader may call it.</summary>
    public override bool TryRead(out EncodedEvent item)
    {
        if ((Volatile.Read(ref _state) & CountMask) == 0 || Volatile.Read(ref _tail.Next) is not { } next)
        {
            item = null!;
            return false;
        }

        // The node becomes the reader's stub: drop its frame so a shared event is not kept alive by it.
        item = next.Frame!;
        next.Frame = null;
        _tail = next;
        Interlocked.Decrement(ref _state);
        return true;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (HasNext)
        {
            return new ValueTask<bool>(true);
        }

        if (IsDrained)
        {
            return new ValueTask<bool>(false);
        }

        _signal.Reset();
        _waitToken = cancellationToken;

        // A cancellable wait is never read inline: its cancellation must find the reader parked.
        _waitIsInline = _inlineReader is not null && !cancellationToken.CanBeCanceled;
        Interlocked.Exchange(ref _waiting, 1);

        // A producer that queued (or completed) before it could see the flag did not wake us: look again. Completed
        // with frames still on their way in is not drained: their producers wake us once they land.
        if ((HasNext || IsDrained) && Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
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
            ServeAsReader(null);
        }
    }

    /// <summary>
    /// Runs on a producer that took the parked reader's role. It reads inline while the reader allows it, then parks
    /// the reader again; a producer that linked a frame meanwhile saw no waiter and left that frame to us, so look
    /// once more after parking, exactly as WaitToReadAsync does. Completion always goes to the reader itself.
    /// </summary>
    /// <param name="handed">A frame accepted and counted as read but never linked; the caller checked that the reader reads inline.</param>
    private void ServeAsReader(EncodedEvent? handed)
    {
        var readInline = handed is not null ? _inlineReader!.TryReadInline(handed) : TryReadInline();
        while (readInline)
        {
            Interlocked.Exchange(ref _waiting, 1);
            if (!(HasNext || IsDrained) || Interlocked.CompareExchange(ref _waiting, 0, 1) != 1)
            {
                return;
            }

            readInline = TryReadInline();
        }

        _signal.SetResult(true);
    }

    private bool TryReadInline() =>
        _waitIsInline && (Volatile.Read(ref _state) & CompletedFlag) == 0 && _inlineReader!.TryReadInline(null);

    private void CancelWait()
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            _signal.SetException(new OperationCanceledException(_waitToken));
        }
    }

    /// <summary>
    /// A reader that can take its frames on a producer's thread when it is parked, saving the thread-pool hop
    /// that waking it costs (at 5,000 connections, one hop per connection per broadcast).
    /// </summary>
    internal interface IInlineReader
    {
        /// <summary>
        /// Handles <paramref name="handed"/> (a frame given to the reader directly, without being queued), then what
        /// is queued, on the producer's thread, holding the reader's role. It must not wait. True: done, the reader
        /// stays parked. False: wake the reader (it has work that needs waiting for, or must end).
        /// </summary>
        bool TryReadInline(EncodedEvent? handed);
    }

    private sealed class Node(EncodedEvent? frame)
    {
        public EncodedEvent? Frame = frame;
        public Node? Next;
    }
}
