using System.Net;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary><c>RateLimiting:Enabled</c> = false: no limits and no headers, whatever the rules say.</summary>
public sealed class RateLimitingDisabledTests(RateLimitingDisabledHost host) : IClassFixture<RateLimitingDisabledHost>
{
    [Fact]
    public async Task Streams_and_publishes_past_the_configured_limits_are_allowed_without_rate_limit_headers()
    {
        var token = await host.TokenAsync(Unique.Id("unlimited"));
        for (var i = 0; i <= RateLimits.Streams; i++)
        {
            await using var stream = await host.ConnectAsync(options: new SseOptions(Token: token));
            stream.Response.ShouldHaveNoRateLimitHeaders();
        }

        var publisher = await host.TokenAsync(Unique.Id("publisher"), "publisher");
        for (var i = 0; i <= RateLimits.Publishes; i++)
        {
            using var accepted = await host.PostEventAsync(new { type = "test.unlimited", data = new { i }, audience = new { all = true } }, publisher);
            accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            accepted.ShouldHaveNoRateLimitHeaders();
        }
    }
}
