using System.Net;
using Beacon.IntegrationTests.Events;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>With Redis, an <c>Idempotency-Key</c> is the cluster's: the retry may land on another node.</summary>
public sealed class IdempotencyKeyClusterTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task A_retry_on_the_other_node_gets_the_same_id_and_the_event_is_delivered_once()
    {
        var user = "idem-" + Guid.NewGuid().ToString("N")[..8];
        await using var onA = await cluster.A.ConnectAsync($"userId={user}");
        await using var onB = await cluster.B.ConnectAsync($"userId={user}");
        var key = Guid.NewGuid().ToString();
        var body = new { type = "order.paid", data = new { order = 7 }, audience = new { users = new[] { user } } };

        using var first = await IdempotencyKeyTests.PostAsync(cluster.A, body, key, await cluster.A.PublisherTokenAsync());
        using var retry = await IdempotencyKeyTests.PostAsync(cluster.B, body, key, await cluster.B.PublisherTokenAsync());

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        retry.StatusCode.ShouldBe(HttpStatusCode.Accepted, await retry.Content.ReadAsStringAsync());
        var id = await IdempotencyKeyTests.IdOf(first);
        (await IdempotencyKeyTests.IdOf(retry)).ShouldBe(id);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);

        await cluster.A.BroadcastMarkerAndWaitAsync(onA, onB);
        onA.Events.OfType("order.paid").Select(e => e.Id).ShouldBe([id]);
        onB.Events.OfType("order.paid").Select(e => e.Id).ShouldBe([id]);
    }
}
