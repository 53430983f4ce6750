using System.Net;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

public sealed class RedisUnreachableAtStartupTests
{
    [Fact]
    public async Task A_node_whose_redis_is_unreachable_starts_live_but_not_ready_and_refuses_publishes_with_503()
    {
        // Nothing listens on this port: Redis is down for the node's whole life.
        var port = RedisServer.FreePort();
        var node = new RedisNode($"127.0.0.1:{port},connectTimeout=500,syncTimeout=1000,asyncTimeout=1000", "node-no-redis");
        await node.InitializeAsync();
        try
        {
            (await node.Api.GetAsync("health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await node.Api.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

            using var refused = await node.PostEventAsync(new { type = "test.refused", data = new { }, audience = new { all = true } });
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter.ShouldNotBeNull();

            // Streams still open (nothing to resume from, so nothing Redis is needed for) and keep their heartbeats.
            await using var stream = await node.ConnectAsync("userId=offline-user");
            await stream.Events.WaitForEventAsync("ping");
        }
        finally
        {
            await ((IAsyncLifetime)node).DisposeAsync();
        }
    }
}
