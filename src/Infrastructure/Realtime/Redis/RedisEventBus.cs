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
/// outage or reconnect) and catches up from the history streams, in order, before delivering anything
/// newer. Only when that is impossible (Redis lost its data, or cannot be read) does it close its streams
/// so clients resume with <c>Last-Event-ID</c>.
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
    private readonly SemaphoreSlim _deliveryGate = new(1, 1);
    private readonly TimeSpan _gapCheckInterval = TimeSpan.FromSeconds(Math.Min(options.Value.NodeHeartbeatSeconds, 2));
    private bool _baselined;
    private string? _epoch; // null: Redis held no events when this node took its baseline
    private long _lastSequence;
    private string _lastStreamId = "0-0";
    private long _sequenceAtLastCheck = -1;
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

            // Pub/sub can drop messages silently (a reconnect, a failover). Compare with the newest id now
            // and then, so missed events are caught up even when no later event reveals the gap.
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_gapCheckInterval, stoppingToken);
                await CheckForMissedEventsAsync();
            }
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
            _ = ReadAsync(queue);
            _subscribed = true;
            await CheckForMissedEventsAsync();
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogSubscribeFailed(logger, ex);
        }
    }

    /// <summary>
    /// Handles the subscription's messages in publish order, one batch at a time: what has arrived while the last batch
    /// was being delivered (a backlog) goes out together (<see cref="EventDispatch"/>).
    /// </summary>
    private async Task ReadAsync(ChannelMessageQueue queue)
    {
        var batch = new List<EncodedEvent>(SharedFanOut.MaxBatch);
        while (true)
        {
            ChannelMessage message;
            try
            {
                message = await queue.ReadAsync();
            }
            catch (Exception ex) when (ex is System.Threading.Channels.ChannelClosedException or OperationCanceledException)
            {
                return; // unsubscribed: a new subscription reads its own queue
            }

            do
            {
                if (Decode(message) is { } encoded)
                {
                    batch.Add(encoded);
                }
            }
            while (batch.Count < SharedFanOut.MaxBatch && queue.TryRead(out message));

            try
            {
                await HandleAsync(batch);
            }
            catch (Exception ex)
            {
                // The batch's events count as delivered here (the gap check would not catch them up), but some local
                // streams may not have them: they resume from history instead, rather than never see them.
                LogDeliveryFailed(logger, ex);
                Resync("delivering events failed");
            }

            batch.Clear();
        }
    }

    private EncodedEvent? Decode(ChannelMessage message)
    {
        try
        {
            return Decode(message.Message);
        }
        catch (Exception ex)
        {
            LogBadMessage(logger, ex);
            return null;
        }
    }

    private async Task HandleAsync(List<EncodedEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var deliverable = new List<EncodedEvent>(batch.Count);
        await _deliveryGate.WaitAsync();
        try
        {
            foreach (var encoded in batch)
            {
                var (epoch, streamId) = Split(encoded.Id!);
                if (_epoch is not null && epoch != _epoch)
                {
                    // Redis lost its data: every open stream's position is meaningless now.
                    Deliver(deliverable);
                    Resync("the Redis epoch changed");
                    _lastSequence = 0;
                }
                else if (_baselined && encoded.Sequence > _lastSequence + 1)
                {
                    // What is pending goes first: the catch-up delivers what came after it.
                    Deliver(deliverable);
                    _epoch ??= epoch;
                    await CatchUpAsync();
                }

                if (encoded.Sequence <= _lastSequence)
                {
                    if (!IsLaterThanLastDelivered(streamId))
                    {
                        continue; // delivered by a catch-up already
                    }

                    // Redis came back from a snapshot older than what was delivered (same epoch): it issues sequence
                    // numbers already used, for new events. The open streams' positions are ahead of its history.
                    Deliver(deliverable);
                    Resync("the Redis sequence went back (restored from an older snapshot)");
                }

                deliverable.Add(encoded);
                (_epoch, _lastSequence, _lastStreamId) = (epoch, encoded.Sequence, streamId);
            }

            Deliver(deliverable);
        }
        finally
        {
            _deliveryGate.Release();
        }
    }

    private void Deliver(List<EncodedEvent> events)
    {
        EventDispatch.Deliver(registry, counters, events);
        events.Clear();
    }

    private void Deliver(EncodedEvent encoded) => EventDispatch.Deliver(registry, counters, encoded);

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

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _ = CheckForMissedEventsAsync();
        }
    }

    /// <summary>
    /// Compares the newest id in Redis with the last one delivered here. The first successful look is the
    /// baseline (taken at start-up, before streams are accepted). Being behind on one look is normal — a
    /// message in flight — so the node catches up only when it is still behind, without progress, on the next.
    /// </summary>
    private async Task CheckForMissedEventsAsync()
    {
        await _deliveryGate.WaitAsync();
        try
        {
            var db = redis.GetDatabase();
            var epochTask = db.StringGetAsync(RedisKeys.Epoch);
            var lastTask = db.StringGetAsync(RedisKeys.LastId);
            var epoch = (string?)await epochTask;
            var last = (string?)await lastTask;
            var newest = last is not null && RedisEventId.TryParseStreamId(last, out _, out var n) ? n : 0;
            if (!_baselined)
            {
                (_baselined, _epoch, _lastSequence, _lastStreamId) = (true, epoch, newest, last ?? "0-0");
                return;
            }

            if (epoch is null)
            {
                return;
            }

            if (_epoch is not null && epoch != _epoch)
            {
                Resync("the Redis epoch changed");
                (_epoch, _lastSequence, _lastStreamId) = (epoch, newest, last!);
                return;
            }

            _epoch ??= epoch;
            if (newest < _lastSequence)
            {
                Resync("the Redis sequence went back (restored from an older snapshot)");
                (_lastSequence, _lastStreamId, _sequenceAtLastCheck) = (newest, last ?? "0-0", newest);
                return;
            }

            var stalled = newest > _lastSequence && _lastSequence == _sequenceAtLastCheck;
            _sequenceAtLastCheck = _lastSequence;
            if (stalled)
            {
                await CatchUpAsync();
            }
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogSubscribeFailed(logger, ex); // try again on the next check
        }
        finally
        {
            _deliveryGate.Release();
        }
    }

    /// <summary>Delivers, in order, what this node missed since its last delivered event. Runs under the delivery gate.</summary>
    private async Task CatchUpAsync()
    {
        try
        {
            var missed = await MissedEventReader.ReadAfterAsync(redis.GetDatabase(), _epoch!, _lastStreamId, registry.All);
            foreach (var encoded in missed.Where(e => e.Sequence > _lastSequence))
            {
                Deliver(encoded);
                (_lastSequence, _lastStreamId) = (encoded.Sequence, Split(encoded.Id!).StreamId);
            }

            LogCaughtUp(logger, missed.Count);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            // Cannot read what was missed: the streams must resume from history themselves.
            counters.RedisError("catch_up");
            Resync("missed events could not be read");
        }
    }

    private static (string Epoch, string StreamId) Split(string id)
    {
        var colon = id.IndexOf(':');
        return (id[..colon], id[(colon + 1)..]);
    }

    /// <summary>
    /// Whether <paramref name="streamId"/> (<c>ms-seq</c>) was written after the last event delivered here. Within one
    /// Redis history a higher sequence never has an earlier time, so an event with a sequence already delivered but a
    /// later time means the sequence went back; an event that is a catch-up's duplicate has neither.
    /// </summary>
    private bool IsLaterThanLastDelivered(string streamId) =>
        RedisEventId.TryParseStreamId(streamId, out var ms, out _)
        && RedisEventId.TryParseStreamId(_lastStreamId, out var lastMs, out _)
        && ms > lastMs;

    private void Resync(string why) => LogResync(logger, why, registry.CloseAll(CloseReason.Resync));

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering events from Redis failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to Redis yet; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped an undecodable message on the events channel")]
    private static partial void LogBadMessage(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Caught up {Count} events missed on pub/sub from the history streams")]
    private static partial void LogCaughtUp(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed {Count} streams so they resume from history: {Why}")]
    private static partial void LogResync(ILogger logger, string why, int count);
}
