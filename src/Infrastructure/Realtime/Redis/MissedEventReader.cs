using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Reads, from the history streams, the events a node missed on pub/sub (an outage, a reconnect): every
/// stream any local connection belongs to, after the last event the node delivered, merged in id order.
/// Client-addressed events have no stream and stay live-only.
/// </summary>
internal static class MissedEventReader
{
    public static async Task<List<EncodedEvent>> ReadAfterAsync(IDatabase db, string epoch, string afterStreamId, IReadOnlyList<SseConnection> connections)
    {
        var streams = connections.SelectMany(c => HistoryStreams.For(c.Scope)).Distinct(StringComparer.Ordinal).ToArray();
        var batch = db.CreateBatch();
        var reads = streams.Select(s => batch.StreamRangeAsync(RedisKeys.Stream(s), "(" + afterStreamId, "+")).ToArray();
        batch.Execute();

        var missed = new List<EncodedEvent>();
        foreach (var read in reads)
        {
            missed.AddRange((await read).Select(e => StreamEntryCodec.Decode(epoch, e)).OfType<EncodedEvent>());
        }

        return missed.DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence).ToList();
    }
}
