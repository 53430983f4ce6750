using System.Diagnostics.Metrics;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// Gauges read at scrape time from the registry, so the hot path pays nothing for them: open connections,
/// queued frames, and (with Redis) the age of this node's last heartbeat.
/// </summary>
internal sealed class RealtimeGauges
{
    public RealtimeGauges(RealtimeCounters counters, ConnectionRegistry registry, NodeIdentity node, TimeProvider clock)
    {
        if (counters.Meter is not { } meter)
        {
            return;
        }

        var nodeTag = new KeyValuePair<string, object?>("node", node.NodeId);
        meter.CreateObservableGauge("beacon.connections", () => new Measurement<int>(registry.Count, nodeTag, new("transport", "sse")), "{connection}", "Open streams on this node.");
        meter.CreateObservableGauge("beacon.queue.depth", () => QueueDepth(registry, nodeTag), "{frame}", "Frames waiting in connection queues: total and the deepest single queue (stat=total|max).");
        meter.CreateObservableGauge(
            "beacon.node.heartbeat.age",
            () => counters.LastHeartbeat is { } at ? [new Measurement<double>((clock.GetUtcNow() - at).TotalSeconds, nodeTag)] : Array.Empty<Measurement<double>>(),
            "s",
            "Seconds since this node last registered itself in Redis (absent when embedded).");
    }

    private static IEnumerable<Measurement<long>> QueueDepth(ConnectionRegistry registry, KeyValuePair<string, object?> nodeTag)
    {
        long total = 0, max = 0;
        foreach (var connection in registry.All)
        {
            var depth = connection.QueueDepth;
            total += depth;
            max = Math.Max(max, depth);
        }

        return [new Measurement<long>(total, nodeTag, new("stat", "total")), new Measurement<long>(max, nodeTag, new("stat", "max"))];
    }
}
