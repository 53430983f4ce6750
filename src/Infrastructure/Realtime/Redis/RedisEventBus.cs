using System.Text;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Bus;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// The scale-out bus. Publishing runs <see cref="PublishScript"/> (append to history + publish, atomically).
/// Each node holds one subscription to one channel and fans events out to its own registry, encoding each
/// frame once per node. Ids carry a global sequence, so a node notices any event it missed (a pub/sub
/// outage, a Redis restart) and closes its streams: clients resume with <c>Last-Event-ID</c> from the
/// streams, which hold everything that was accepted.
/// </summary>
internal sealed partial class RedisEventBus(
    IConnectionMultiplexer redis,
    ConnectionRegistry registry,
    RealtimeCounters counters,
    IOptions<RealtimeOptions> options,
    ILogger<RedisEventBus> logger) : BackgroundService, IEventBus
{
    private readonly RedisValue _historySize = options.Value.HistorySize;
    private readonly RedisValue _maxAgeMs = options.Value.HistoryMaxAgeSeconds * 1000L;
    private readonly Lock _positionGate = new();
    private string? _epoch;
    private long _lastSequence;
    private volatile bool _subscribed;

    public async ValueTask<string> PublishAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [RedisKeys.Sequence, RedisKeys.Epoch, RedisKeys.LastId, .. HistoryStreams.For(audience).Select(s => (RedisKey)RedisKeys.Stream(s))];
        RedisValue[] values =
        [
            RedisKeys.EventsChannel, EmbeddedEventId.NewEpoch(), _historySize, _maxAgeMs,
            realtimeEvent.Type, AudienceCodec.Encode(audience), realtimeEvent.Utf8Json,
            System.Diagnostics.Activity.Current?.Id ?? string.Empty,
        ];

        RedisResult result;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            result = await redis.GetDatabase().ScriptEvaluateAsync(PublishScript.Script, keys, values);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("publish");
            throw RedisFailures.Unavailable("The event was not published", ex);
        }

        counters.RedisCall("publish", started);
        var parts = (RedisResult[])result!;
        counters.EventPublished(realtimeEvent.Type, DateTimeOffset.UtcNow);
        return (string)parts[0]! + ":" + (string)parts[1]!;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before the node accepts streams, so a stream never misses an event published after it registered.
        await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested && !_subscribed)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                await TrySubscribeAsync();
            }

            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private async Task TrySubscribeAsync()
    {
        try
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.EventsChannel));
            queue.OnMessage(OnMessage); // handled one at a time, in publish order
            _subscribed = true;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogSubscribeFailed(logger, ex);
        }
    }

    private void OnMessage(ChannelMessage message)
    {
        try
        {
            var encoded = Decode(message.Message);
            if (encoded is null)
            {
                return;
            }

            TrackPosition(encoded);
            using var activity = RealtimeTracing.StartDeliver(encoded.TraceParent, encoded.Type);
            var recipients = registry.Deliver(encoded);
            activity?.SetTag("beacon.recipients", recipients);
            counters.EventDelivered(encoded.Type, recipients);
        }
        catch (Exception ex)
        {
            LogBadMessage(logger, ex);
        }
    }

    private static EncodedEvent? Decode(RedisValue message)
    {
        ReadOnlyMemory<byte> bytes = (byte[])message!;
        // epoch \n id \n type \n audience \n traceparent \n payload (payload last: it is the only field that may be large)
        var fields = new string[5];
        for (var i = 0; i < fields.Length; i++)
        {
            var newline = bytes.Span.IndexOf((byte)'\n');
            if (newline < 0)
            {
                return null;
            }

            fields[i] = Encoding.UTF8.GetString(bytes.Span[..newline]);
            bytes = bytes[(newline + 1)..];
        }

        if (!RedisEventId.TryParseStreamId(fields[1], out var ms, out var sequence))
        {
            return null;
        }

        var id = new RedisEventId(fields[0], ms, sequence);
        return EncodedEvent.Create(
            id.ToString(), sequence, RealtimeEvent.FromUtf8Json(fields[2], bytes), AudienceCodec.Decode(fields[3]),
            DateTimeOffset.FromUnixTimeMilliseconds(ms), fields[4].Length == 0 ? null : fields[4]);
    }

    /// <summary>Events arrive in sequence order; a jump means this node missed some, so its streams must resume from history.</summary>
    private void TrackPosition(EncodedEvent encoded)
    {
        var id = encoded.Id!;
        var epoch = id[..id.IndexOf(':')];
        lock (_positionGate)
        {
            var epochChanged = _epoch is not null && epoch != _epoch;
            var gap = _epoch is not null && !epochChanged && encoded.Sequence > _lastSequence + 1;
            _lastSequence = epochChanged ? encoded.Sequence : Math.Max(_lastSequence, encoded.Sequence);
            _epoch = epoch;
            if (epochChanged || gap)
            {
                Resync("a gap in the event sequence");
            }
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        _ = CheckForMissedEventsAsync();
    }

    private async Task CheckForMissedEventsAsync()
    {
        try
        {
            var last = (string?)await redis.GetDatabase().StringGetAsync(RedisKeys.LastId);
            if (last is null || !RedisEventId.TryParseStreamId(last, out _, out var newest))
            {
                return;
            }

            lock (_positionGate)
            {
                if (_epoch is not null && newest > _lastSequence)
                {
                    _lastSequence = newest;
                    Resync("events published while the subscription was down");
                }
            }
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogSubscribeFailed(logger, ex);
        }
    }

    private void Resync(string why)
    {
        var connections = registry.All;
        LogResync(logger, why, connections.Count);
        foreach (var connection in connections)
        {
            connection.Close(CloseReason.Resync);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to Redis yet; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped an undecodable message on the events channel")]
    private static partial void LogBadMessage(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing {Count} streams so they resume from history: {Why}")]
    private static partial void LogResync(ILogger logger, string why, int count);
}
