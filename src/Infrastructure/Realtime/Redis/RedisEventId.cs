using System.Globalization;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Ids of the Redis history: <c>{epoch}:{ms}-{seq}</c>, where <c>{ms}-{seq}</c> is the Redis stream entry id.
/// <c>seq</c> is one global counter, so ids order all events across all streams; <c>ms</c> lets history
/// tell whether a resume point is older than the retention age; the epoch detects a wiped Redis. Sequence 0 is the
/// start of history at that millisecond: what a stream opened before the first publish resumes from.
/// </summary>
internal readonly record struct RedisEventId(string Epoch, long Milliseconds, long Sequence)
{
    public string StreamId => Milliseconds.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => Epoch + ":" + StreamId;

    public static bool TryParse(string? id, out RedisEventId parsed)
    {
        parsed = default;
        var colon = id?.IndexOf(':') ?? -1;
        if (id is null || colon <= 0 || !TryParseStreamId(id[(colon + 1)..], out var ms, out var sequence))
        {
            return false;
        }

        parsed = new RedisEventId(id[..colon], ms, sequence);
        return true;
    }

    public static bool TryParseStreamId(string streamId, out long milliseconds, out long sequence)
    {
        sequence = 0;
        var dash = streamId.IndexOf('-');
        milliseconds = 0;
        return dash > 0
            && long.TryParse(streamId.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out milliseconds)
            && long.TryParse(streamId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && sequence >= 0;
    }
}
