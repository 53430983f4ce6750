using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Redis;

namespace Beacon.Infrastructure.Realtime.Fallbacks;

/// <summary>
/// The position (sequence) of an event id, for both id formats (<c>{epoch}-{seq}</c> embedded,
/// <c>{epoch}:{ms}-{seq}</c> Redis). A resuming connection skips queued live events at or before the id it
/// resumes from: the bus may deliver an event published just before the connection registered after it did.
/// </summary>
internal static class EventPosition
{
    public static long SequenceOf(string? id) =>
        RedisEventId.TryParse(id, out var redis) ? redis.Sequence
        : EmbeddedEventId.TryParse(id, out _, out var sequence) ? sequence
        : 0;
}
