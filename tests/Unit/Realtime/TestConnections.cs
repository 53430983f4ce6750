using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.UnitTests.Realtime;

internal static class TestConnections
{
    private static int _next;

    public static SseConnection Create(string? userId = null, string[]? topics = null, Dictionary<string, string>? metadata = null, int capacity = 16, RealtimeCounters? counters = null)
    {
        var scope = new ConnectionScope("c" + Interlocked.Increment(ref _next), userId, topics ?? [], metadata ?? []);
        return new SseConnection(scope, null, capacity, DateTimeOffset.UtcNow, counters ?? new RealtimeCounters());
    }

    public static EncodedEvent Event(long sequence, Audience audience, DateTimeOffset? at = null) =>
        EncodedEvent.Create("e-" + sequence, sequence, RealtimeEvent.Create("test", new { sequence }), audience, at ?? DateTimeOffset.UtcNow);
}

/// <summary>An inline reader (a parked stream writer) that records each write: the frames it found queued.</summary>
internal sealed class RecordingWriter(SseConnection connection) : FrameQueue.IInlineReader
{
    public List<List<long>> Writes { get; } = [];

    public bool TryReadInline(EncodedEvent? handed)
    {
        var write = handed is null ? new List<long>() : [handed.Sequence];
        while (connection.Queue.TryRead(out var frame))
        {
            write.Add(frame.Sequence);
        }

        Writes.Add(write);
        return true;
    }
}
