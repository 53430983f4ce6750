using System.Threading.Channels;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// One client connection on this node: its scope and a bounded queue of pre-encoded frames drained by a
/// single writer. Publishers only ever <see cref="TryEnqueue"/>; a full queue closes the connection
/// instead of making anyone wait.
/// </summary>
internal sealed class SseConnection
{
    private static int s_nextPingPhase;

    private readonly FrameQueue _queue;
    private readonly RealtimeCounters _counters;
    private object? _transport;
    private int _closeReason;
    private long _lastWriteTicks;
    private long _writeStartedTicks;

    public SseConnection(ConnectionScope scope, string? sessionId, int queueCapacity, DateTimeOffset connectedAt, RealtimeCounters counters, DateTimeOffset? expiresAt = null)
    {
        ExpiresAt = expiresAt;
        Scope = scope;
        SessionId = sessionId;
        ConnectedAt = connectedAt;
        _counters = counters;
        _lastWriteTicks = Environment.TickCount64;
        _queue = new FrameQueue(queueCapacity);
    }

    public ConnectionScope Scope { get; }

    /// <summary>Which heartbeat slot pings this connection (<see cref="PingSchedule"/>): dealt round-robin, so a burst of connects spreads evenly.</summary>
    public uint PingPhase { get; } = unchecked((uint)Interlocked.Increment(ref s_nextPingPhase));

    public string ClientId => Scope.ClientId;

    public string? UserId => Scope.UserId;

    public string? SessionId { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>When the credential behind this stream expires, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public ChannelReader<EncodedEvent> Queue => _queue;

    public int QueueDepth => _queue.Count;

    /// <summary>Lets producers hand frames to <paramref name="reader"/> on their own thread while its loop is parked.</summary>
    public void ReadInlineWith(FrameQueue.IInlineReader reader) => _queue.ReadInlineWith(reader);

    public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

    /// <summary>Which events this stream carries and how it beats; set once, before the connection is registered.</summary>
    public Sse.SseStreamProfile Profile { get; set; } = Sse.SseStreamProfile.Default;

    /// <summary>Milliseconds since the last successful write, or since the current write started if it is stuck.</summary>
    public long MillisecondsSinceProgress(long nowTicks)
    {
        var started = Volatile.Read(ref _writeStartedTicks);
        return started != 0 ? nowTicks - started : nowTicks - Volatile.Read(ref _lastWriteTicks);
    }

    /// <summary>The request to abort when the connection must end without flushing (slow consumer, timeout).</summary>
    public void OnAbort(Microsoft.AspNetCore.Http.HttpContext transport) => _transport = transport;

    /// <summary>The connection to abort instead, once the stream has taken it over from its request.</summary>
    public void OnAbort(Sse.Handover.StreamHandover transport) => Volatile.Write(ref _transport, transport);

    /// <summary>
    /// Queues a frame without waiting. A full queue closes the connection as a slow consumer. A deferred frame is
    /// written with the next frame queued that is not (<see cref="FrameQueue.TryWrite(EncodedEvent, bool)"/>).
    /// </summary>
    public bool TryEnqueue(EncodedEvent frame, bool defer = false)
    {
        if (_queue.TryWrite(frame, defer))
        {
            return true;
        }

        Close(CloseReason.SlowConsumer);
        return false;
    }

    public void WriteStarted() => Volatile.Write(ref _writeStartedTicks, Environment.TickCount64);

    public void WriteCompleted()
    {
        Volatile.Write(ref _lastWriteTicks, Environment.TickCount64);
        Volatile.Write(ref _writeStartedTicks, 0);
    }

    /// <summary>
    /// Ends the connection once. Slow consumers and timed-out clients are aborted (their socket is not
    /// draining, so flushing would hang); others get their queued frames flushed before the stream ends.
    /// </summary>
    public bool Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None) != (int)CloseReason.None)
        {
            return false;
        }

        _counters.ConnectionClosed(reason, ConnectedAt);
        _queue.TryComplete();
        if (reason is CloseReason.SlowConsumer or CloseReason.Timeout)
        {
            switch (Volatile.Read(ref _transport))
            {
                case Sse.Handover.StreamHandover handover:
                    handover.Abort();
                    break;
                case Microsoft.AspNetCore.Http.HttpContext request:
                    request.Abort();
                    break;
            }
        }

        return true;
    }
}
