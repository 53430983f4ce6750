using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Replay from the Redis streams, so a client can resume on any node. A resume point is provably
/// gap-free only if it is from the current epoch, not newer than the newest id, younger than the
/// retention age, and not older than anything deleted from the connection's streams; otherwise: reset.
/// </summary>
internal sealed class RedisEventHistory(IConnectionMultiplexer redis, IOptions<RealtimeOptions> options, TimeProvider clock, RealtimeCounters counters) : IEventHistory
{
    private readonly TimeSpan _maxAge = TimeSpan.FromSeconds(options.Value.HistoryMaxAgeSeconds);

    public async ValueTask<string?> HeadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var head = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                PublishScript.HeadScript, [RedisKeys.Epoch, RedisKeys.LastId], [EmbeddedEventId.NewEpoch()]))!;
            var (epoch, last) = ((string?)head[0], (string?)head[1]);
            return epoch is not null && last is not null && RedisEventId.TryParseStreamId(last, out var ms, out var seq)
                ? new RedisEventId(epoch, ms, seq).ToString()
                : null;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("replay");
            throw RedisFailures.Unavailable("The stream could not start", ex);
        }
    }

    public async ValueTask<ReplayResult> ReadAfterAsync(string lastEventId, ConnectionScope scope, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await ReadAsync(lastEventId, scope);
            counters.RedisCall("replay", started);
            return result;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("replay");
            throw RedisFailures.Unavailable("The stream could not resume", ex);
        }
    }

    private async Task<ReplayResult> ReadAsync(string lastEventId, ConnectionScope scope)
    {
        var db = redis.GetDatabase();
        var epochTask = db.StringGetAsync(RedisKeys.Epoch);
        var lastTask = db.StringGetAsync(RedisKeys.LastId);
        var epoch = (string?)await epochTask;
        var last = (string?)await lastTask;
        var current = epoch is not null && last is not null && RedisEventId.TryParseStreamId(last, out var lastMs, out var lastSeq)
            ? new RedisEventId(epoch, lastMs, lastSeq)
            : (RedisEventId?)null;

        if (!RedisEventId.TryParse(lastEventId, out var from))
        {
            return Reset("malformed-id", current);
        }

        // The start of an empty history (what HeadAsync gives while nothing has been published): nothing to miss yet.
        if (current is null && from.Sequence == 0 && from.Epoch == epoch)
        {
            return ReplayResult.Replay([], 0);
        }

        if (current is not { } newest || from.Epoch != newest.Epoch || from.Sequence > newest.Sequence)
        {
            return Reset("unknown-id", current);
        }

        // The newest event itself: nothing can have been missed, however long ago it was (a quiet system).
        if (from.Sequence == newest.Sequence)
        {
            return ReplayResult.Replay([], from.Sequence);
        }

        // A whole stream may have expired after sitting idle for the retention age; only a resume point
        // younger than that proves nothing the connection needed expired with it.
        var now = Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), newest.Milliseconds);
        if (from.Milliseconds < now - (long)_maxAge.TotalMilliseconds)
        {
            return Reset("expired", current);
        }

        var streams = HistoryStreams.For(scope).ToArray();
        var batch = db.CreateBatch();
        var ranges = streams.Select(s => batch.StreamRangeAsync(RedisKeys.Stream(s), "(" + from.StreamId, "+")).ToArray();

        // Read the deletion marks after the ranges: a trim racing with the read then shows up as a reset, never a gap.
        var infos = streams.Select(s => batch.ExecuteAsync("XINFO", "STREAM", RedisKeys.Stream(s))).ToArray();
        batch.Execute();

        var missed = new List<EncodedEvent>();
        for (var i = 0; i < streams.Length; i++)
        {
            var entries = await ranges[i];
            if (await MaxDeletedSequenceAsync(infos[i]) > from.Sequence)
            {
                return Reset("expired", current);
            }

            foreach (var entry in entries)
            {
                var encoded = StreamEntryCodec.Decode(newest.Epoch, entry);
                if (encoded is not null && (streams[i] != HistoryStreams.Metadata || scope.IsIn(encoded.Audience)))
                {
                    missed.Add(encoded);
                }
            }
        }

        missed.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return ReplayResult.Replay(missed.DistinctBy(e => e.Sequence).ToList(), from.Sequence);
    }

    private static async Task<long> MaxDeletedSequenceAsync(Task<RedisResult> info)
    {
        RedisResult result;
        try
        {
            result = await info;
        }
        catch (RedisServerException)
        {
            return 0; // no such key: the stream never existed or expired whole (covered by the age check)
        }

        var fields = (RedisResult[])result!;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            if ((string?)fields[i] == "max-deleted-entry-id" && RedisEventId.TryParseStreamId((string)fields[i + 1]!, out _, out var sequence))
            {
                return sequence;
            }
        }

        return 0;
    }

    private static ReplayResult Reset(string reason, RedisEventId? current) =>
        ReplayResult.Reset(reason, current?.ToString(), current?.Sequence ?? 0);
}
