namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>
/// Without a token the limit is per client IP. Its own host: every anonymous test client shares the loopback
/// address, so these tests must not share a window with others.
/// </summary>
public sealed class AnonymousConnectionLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    [Fact]
    public async Task Anonymous_streams_count_against_the_ip_whatever_user_id_they_claim()
    {
        for (var i = 1; i <= RateLimits.Streams; i++)
        {
            await using var stream = await host.ConnectAsync(Query.User(Unique.Id("claimed")));
            stream.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - i, RateLimits.StreamWindowSeconds);
        }

        await using (var refused = await host.OpenStreamAsync(Query.User(Unique.Id("claimed"))))
        {
            await refused.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        }

        // A signed-in user on the same IP has a window of their own.
        await using var signedIn = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(Unique.Id("signed-in"))));
        signedIn.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - 1, RateLimits.StreamWindowSeconds);
    }
}
