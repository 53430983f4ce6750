using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Bus;

/// <summary>
/// Delivers events that were waiting for a bus's dispatch loop, in order, to the local registry. Consecutive
/// broadcasts go out as one batch: each connection gets them in one write, so the cost per delivery falls as a backlog
/// grows and the loop catches up, rather than one system call per event per connection keeping it behind
/// (bench/README.md, session 16). With no backlog every event goes out on its own, as it arrives.
/// </summary>
internal static class EventDispatch
{
    /// <summary>Delivers <paramref name="events"/> in order; counters and <c>beacon.deliver</c> spans are per event.</summary>
    public static void Deliver(ConnectionRegistry registry, RealtimeCounters counters, IReadOnlyList<EncodedEvent> events)
    {
        var start = 0;
        while (start < events.Count)
        {
            var end = start + 1;
            if (events[start].Audience.Kind == AudienceKind.All)
            {
                while (end < events.Count && end - start < SharedFanOut.MaxBatch && events[end].Audience.Kind == AudienceKind.All)
                {
                    end++;
                }
            }

            if (end - start == 1)
            {
                Deliver(registry, counters, events[start]);
            }
            else
            {
                DeliverBatch(registry, counters, events, start, end);
            }

            start = end;
        }
    }

    /// <summary>Delivers one event to its local recipients.</summary>
    public static void Deliver(ConnectionRegistry registry, RealtimeCounters counters, EncodedEvent encoded)
    {
        using var activity = RealtimeTracing.StartDeliver(encoded.TraceParent, encoded.Type);
        var recipients = registry.Deliver(encoded);
        activity?.SetTag("beacon.recipients", recipients);
        counters.EventDelivered(encoded.Type, recipients);
    }

    private static void DeliverBatch(ConnectionRegistry registry, RealtimeCounters counters, IReadOnlyList<EncodedEvent> events, int start, int end)
    {
        var frames = new EncodedEvent[end - start];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = events[start + i];
        }

        var delivered = new int[frames.Length];
        registry.Deliver(frames, delivered);
        for (var i = 0; i < frames.Length; i++)
        {
            using var activity = RealtimeTracing.StartDeliver(frames[i].TraceParent, frames[i].Type);
            activity?.SetTag("beacon.recipients", delivered[i]);
            activity?.SetTag("beacon.batch", frames.Length);
            counters.EventDelivered(frames[i].Type, delivered[i]);
        }
    }
}
