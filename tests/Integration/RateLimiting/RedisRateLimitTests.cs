using Beacon.IntegrationTests.ScaleOut;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>Two nodes on one real redis-server, with the real stream limit (5 per 60 s): one window per user across nodes.</summary>
public class RateLimitedCluster : RedisCluster
{
    protected override (string Key, string Value)[] NodeSettings => RateLimits.Settings;
}

public sealed class RedisRateLimitTests(RateLimitedCluster cluster) : IClassFixture<RateLimitedCluster>
{
    [Fact]
    public async Task Three_streams_on_node_a_and_two_on_node_b_use_up_one_window_and_the_sixth_is_refused_on_either_node()
    {
        var token = await cluster.A.TokenAsync(Unique.Id("roaming"));
        var remaining = RateLimits.Streams;
        foreach (var node in new[] { cluster.A, cluster.A, cluster.A, cluster.B, cluster.B })
        {
            await using var stream = await node.ConnectAsync(options: new SseOptions(Token: token));
            stream.Response.ShouldReportWindow(RateLimits.Streams, --remaining, RateLimits.StreamWindowSeconds);
        }

        foreach (var node in new[] { cluster.A, cluster.B })
        {
            await using var refused = await node.OpenStreamAsync(options: new SseOptions(Token: token));
            await refused.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        }

        await using var other = await cluster.B.ConnectAsync(options: new SseOptions(Token: await cluster.B.TokenAsync(Unique.Id("other"))));
        other.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - 1, RateLimits.StreamWindowSeconds);
    }

    [Fact]
    public async Task Publishing_shares_one_window_across_nodes()
    {
        var publisher = await cluster.A.TokenAsync(Unique.Id("publisher"), "publisher");
        var body = new { type = "test.limited", data = new { n = 1 }, audience = new { all = true } };
        for (var i = 1; i <= RateLimits.Publishes; i++)
        {
            using var accepted = await (i % 2 == 0 ? cluster.A : cluster.B).PostEventAsync(body, publisher);
            accepted.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await BeaconHostExtensions.DescribeAsync(accepted));
            accepted.ShouldReportWindow(RateLimits.Publishes, RateLimits.Publishes - i, RateLimits.PublishWindowSeconds);
        }

        using var refused = await cluster.A.PostEventAsync(body, publisher);
        await refused.ShouldBeRateLimitedAsync(RateLimits.Publishes, RateLimits.PublishWindowSeconds);
    }
}
