namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>Node-wide totals, updated lock-free from the hot path.</summary>
internal sealed class RealtimeCounters
{
    private long _eventsPublished;
    private long _eventsSent;
    private long _slowConsumerDisconnects;
    private long _timeoutDisconnects;
    private long _connectionsAccepted;
    private long _lastEventUnixMs;

    public long EventsPublished => Volatile.Read(ref _eventsPublished);

    /// <summary>Event frames written to clients (one per recipient), excluding pings.</summary>
    public long EventsSent => Volatile.Read(ref _eventsSent);

    public long SlowConsumerDisconnects => Volatile.Read(ref _slowConsumerDisconnects);

    public long TimeoutDisconnects => Volatile.Read(ref _timeoutDisconnects);

    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>When the last event was published, or null if none was.</summary>
    public DateTimeOffset? LastEventTime
    {
        get
        {
            var ms = Volatile.Read(ref _lastEventUnixMs);
            return ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    public void EventPublished(DateTimeOffset at)
    {
        Interlocked.Increment(ref _eventsPublished);
        Volatile.Write(ref _lastEventUnixMs, at.ToUnixTimeMilliseconds());
    }

    public void EventsWritten(int count) => Interlocked.Add(ref _eventsSent, count);

    public void ConnectionAccepted() => Interlocked.Increment(ref _connectionsAccepted);

    public void ConnectionClosed(CloseReason reason)
    {
        if (reason == CloseReason.SlowConsumer)
        {
            Interlocked.Increment(ref _slowConsumerDisconnects);
        }
        else if (reason == CloseReason.Timeout)
        {
            Interlocked.Increment(ref _timeoutDisconnects);
        }
    }
}
