using Beacon.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Beacon.IntegrationTests.ScaleOut;

public sealed class GracefulShutdownTests(CleanupCluster cluster) : IClassFixture<CleanupCluster>
{
    [Fact]
    public async Task A_stopping_node_sends_a_shutdown_event_and_a_retry_hint_ends_its_streams_and_removes_its_redis_entries()
    {
        var user = "leaving-" + Guid.NewGuid().ToString("N")[..8];
        var nodeId = "node-stop-" + Guid.NewGuid().ToString("N")[..6];
        var node = new RedisNode(cluster.Redis.ConnectionString, nodeId);
        await node.InitializeAsync();
        await using var client = await node.OpenStreamAsync($"userId={user}", new SseOptions(Read: false));
        await cluster.A.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the connection in the global stats");

        await ((IAsyncLifetime)node).DisposeAsync();

        // The whole stream, read after the fact: it ended (ReadAsString returns) and its last frame is a
        // jittered retry hint that spreads the reconnects.
        var stream = await client.Response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(15));
        stream.ShouldStartWith("retry: 3000\n\n");
        // Last the hint a plain EventSource follows, before it the same delay as an event every client can read.
        var frames = stream.TrimEnd('\n').Split("\n\n");
        frames[^1].ShouldStartWith("retry: ");
        var retryMs = int.Parse(frames[^1]["retry: ".Length..]);
        retryMs.ShouldBeInRange(500, 5000);
        frames[^2].ShouldBe($"event: shutdown\ndata: {{\"retryMs\":{retryMs}}}");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var db = redis.GetDatabase();
        (await db.SetContainsAsync("{beacon}:nodes", nodeId)).ShouldBeFalse();
        (await db.KeyExistsAsync("{beacon}:node:" + nodeId)).ShouldBeFalse();
        (await db.KeyExistsAsync("{beacon}:node:" + nodeId + ":conns")).ShouldBeFalse();
        (await db.SetLengthAsync("{beacon}:presence:" + user)).ShouldBe(0);
        (await cluster.A.GetStatsAsync()).ClientsOf(user).ShouldBe(0);
    }
}
