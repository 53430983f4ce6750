using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// Node-wide totals, updated lock-free from the hot path, and the same facts as OpenTelemetry instruments
/// on the <c>Beacon.Realtime</c> meter (exported at <c>/metrics</c>). Names are listed in docs/metrics.md.
/// </summary>
internal sealed class RealtimeCounters
{
    /// <summary>The meter every Beacon instrument lives on.</summary>
    public const string MeterName = "Beacon.Realtime";

    /// <summary>The instruments labelled with the event type, which callers choose.</summary>
    public const string EventsPublishedName = "beacon.events.published";

    /// <inheritdoc cref="EventsPublishedName"/>
    public const string EventsDeliveredName = "beacon.events.delivered";

    /// <summary>
    /// Stream lifetimes. Kestrel's own <c>kestrel.connection.duration</c> is not collected (see the web host's
    /// telemetry setup): it keeps a tag list per connection for the connection's life, where this keeps nothing.
    /// </summary>
    public const string ConnectionDurationName = "beacon.connection.duration";

    private readonly Counter<long>? _connects;
    private readonly Counter<long>? _disconnects;
    private readonly Counter<long>? _published;
    private readonly Counter<long>? _delivered;
    private readonly Counter<long>? _replays;
    private readonly Counter<long>? _redisErrors;
    private readonly Histogram<double>? _deliveryLatency;
    private readonly Histogram<double>? _redisDuration;
    private readonly Histogram<double>? _connectionDuration;
    private long _eventsPublished;
    private long _eventsSent;
    private long _slowConsumerDisconnects;
    private long _timeoutDisconnects;
    private long _connectionsAccepted;
    private long _lastEventUnixMs;
    private long _lastHeartbeatUnixMs;

    public RealtimeCounters()
    {
    }

    public RealtimeCounters(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _connects = Meter.CreateCounter<long>("beacon.connects", "{connection}", "Streams opened.");
        _disconnects = Meter.CreateCounter<long>("beacon.disconnects", "{connection}", "Streams closed, by reason: client, slow_consumer, timeout, disconnected, shutdown, resync, token_expired.");
        _published = Meter.CreateCounter<long>(EventsPublishedName, "{event}", "Events accepted (stored and published), by type.");
        _delivered = Meter.CreateCounter<long>(EventsDeliveredName, "{event}", "Event copies queued to this node's connections, by type.");
        _replays = Meter.CreateCounter<long>("beacon.replays", "{request}", "Resume requests, by result: replayed or reset.");
        _redisErrors = Meter.CreateCounter<long>("beacon.redis.errors", "{error}", "Redis operations that failed, by operation.");
        _deliveryLatency = Meter.CreateHistogram<double>(
            "beacon.delivery.latency", "s", "Publish to socket write, per flushed batch (its oldest event).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5] });
        _connectionDuration = Meter.CreateHistogram<double>(
            ConnectionDurationName, "s", "How long streams stayed open, by close reason.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400] });
        _redisDuration = Meter.CreateHistogram<double>(
            "beacon.redis.duration", "s", "Round trip of Redis operations, by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
    }

    /// <summary>The meter, when created through DI (null in unit tests).</summary>
    public Meter? Meter { get; }

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

    /// <summary>When this node last registered itself in Redis, or null (embedded, or never).</summary>
    public DateTimeOffset? LastHeartbeat
    {
        get
        {
            var ms = Volatile.Read(ref _lastHeartbeatUnixMs);
            return ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    public void EventPublished(string type, DateTimeOffset at)
    {
        Interlocked.Increment(ref _eventsPublished);
        Volatile.Write(ref _lastEventUnixMs, at.ToUnixTimeMilliseconds());
        _published?.Add(1, new KeyValuePair<string, object?>("type", type));
    }

    public void EventDelivered(string type, int recipients)
    {
        if (recipients > 0)
        {
            _delivered?.Add(recipients, new KeyValuePair<string, object?>("type", type));
        }
    }

    /// <summary>Records a flushed batch: how many event frames it held and the age of its oldest.</summary>
    public void EventsWritten(int count, DateTimeOffset? oldestPublishedAt = null)
    {
        if (count == 0)
        {
            return;
        }

        Interlocked.Add(ref _eventsSent, count);
        if (oldestPublishedAt is { } oldest)
        {
            _deliveryLatency?.Record(Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds));
        }
    }

    public void ConnectionAccepted(string transport = "sse")
    {
        Interlocked.Increment(ref _connectionsAccepted);
        _connects?.Add(1, new KeyValuePair<string, object?>("transport", transport));
    }

    /// <summary>Counts a stream's end; <paramref name="connectedAt"/> gives its duration.</summary>
    public void ConnectionClosed(CloseReason reason, DateTimeOffset connectedAt)
    {
        if (reason == CloseReason.SlowConsumer)
        {
            Interlocked.Increment(ref _slowConsumerDisconnects);
        }
        else if (reason == CloseReason.Timeout)
        {
            Interlocked.Increment(ref _timeoutDisconnects);
        }

        var tag = new KeyValuePair<string, object?>("reason", ReasonTag(reason));
        _disconnects?.Add(1, tag);
        _connectionDuration?.Record(Math.Max(0, (DateTimeOffset.UtcNow - connectedAt).TotalSeconds), tag);
    }

    public void Replayed(bool reset) => _replays?.Add(1, new KeyValuePair<string, object?>("result", reset ? "reset" : "replayed"));

    public void RedisError(string operation) => _redisErrors?.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void RedisCall(string operation, long startedTimestamp) =>
        _redisDuration?.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public void HeartbeatWritten(DateTimeOffset at) => Volatile.Write(ref _lastHeartbeatUnixMs, at.ToUnixTimeMilliseconds());

    private static string ReasonTag(CloseReason reason) => reason switch
    {
        CloseReason.SlowConsumer => "slow_consumer",
        CloseReason.TokenExpired => "token_expired",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
