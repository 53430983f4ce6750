using System.Collections.Concurrent;
using System.Diagnostics;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

public sealed class TracingTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task Delivery_on_another_node_joins_the_trace_of_the_publish_through_redis()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Beacon.Realtime",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var user = "traced-" + Guid.NewGuid().ToString("N")[..8];
        await using var onA = await cluster.A.ConnectAsync($"userId={user}");
        var id = await cluster.B.PublishAsync("test.traced", new { n = 1 }, new { users = new[] { user } });
        await onA.Events.WaitForIdAsync(id);

        var publish = spans.Single(s => s.OperationName == "beacon.publish" && (string?)s.GetTagItem("beacon.event.id") == id);
        var ok = await Eventually.TrueAsync(() => Task.FromResult(spans.Count(s => s.OperationName == "beacon.deliver" && s.TraceId == publish.TraceId) >= 2));
        ok.ShouldBeTrue("each node's delivery span should be in the publisher's trace");
        spans.Where(s => s.OperationName == "beacon.deliver" && s.TraceId == publish.TraceId)
            .ShouldAllBe(s => s.ParentSpanId == publish.SpanId && s.Kind == ActivityKind.Consumer);
    }
}
