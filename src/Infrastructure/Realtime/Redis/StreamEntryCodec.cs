using System.Text;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>Turns a history stream entry (fields <c>t</c> type, <c>a</c> audience, <c>d</c> payload) back into an event.</summary>
internal static class StreamEntryCodec
{
    public static EncodedEvent? Decode(string epoch, StreamEntry entry)
    {
        if (!RedisEventId.TryParseStreamId(entry.Id!, out var ms, out var sequence))
        {
            return null;
        }

        var id = new RedisEventId(epoch, ms, sequence);
        var payload = (byte[])entry["d"]!;
        var realtimeEvent = RealtimeEvent.FromUtf8Json((string)entry["t"]!, payload ?? Encoding.UTF8.GetBytes("null"));
        return EncodedEvent.Create(id.ToString(), sequence, realtimeEvent, AudienceCodec.Decode((string)entry["a"]!), DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }
}
