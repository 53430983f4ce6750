using System.Net;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>Its own cluster: this test stops Redis.</summary>
public sealed class RateLimitOutageCluster : RateLimitedCluster;

public sealed class RedisRateLimitOutageTests(RateLimitOutageCluster cluster) : IClassFixture<RateLimitOutageCluster>
{
    [Fact]
    public async Task While_redis_is_down_streams_are_allowed_without_rate_limit_headers_and_the_limit_returns_with_redis()
    {
        var token = await cluster.A.TokenAsync(Unique.Id("outage"));
        var options = new SseOptions(Token: token);
        for (var i = 0; i < RateLimits.Streams; i++)
        {
            await using var stream = await cluster.A.ConnectAsync(options: options);
        }

        await using (var refused = await cluster.A.OpenStreamAsync(options: options))
        {
            await refused.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        }

        await cluster.Redis.StopAsync();

        // Fail open: the limit cannot be checked, so it does not refuse anyone.
        await using (var allowed = await cluster.A.ConnectAsync(options: options))
        {
            allowed.Response.ShouldHaveNoRateLimitHeaders();
        }

        await cluster.Redis.StartAsync();

        // Redis kept the window (append-only file), so once the node has reconnected the user is limited again.
        SseClient? refusedAgain = null;
        var enforced = await Eventually.TrueAsync(
            async () =>
            {
                var attempt = await cluster.A.OpenStreamAsync(options: options);
                if (attempt.Response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refusedAgain = attempt;
                    return true;
                }

                await attempt.DisposeAsync();
                return false;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        enforced.ShouldBeTrue("the limit was not enforced again after Redis came back");
        await using (refusedAgain)
        {
            await refusedAgain!.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        }
    }
}
