using System.Net;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>An embedded host with a tight long-poll limit.</summary>
public sealed class LongPollLimitedHost() : BeaconHost(("RateLimiting:LongPolls:PermitLimit", "3"), ("RateLimiting:LongPolls:WindowSeconds", "600"));

/// <summary><c>RateLimiting:LongPolls</c>: the long-poll fallback is limited like streams and publishing.</summary>
public sealed class LongPollLimitTests(LongPollLimitedHost host) : IClassFixture<LongPollLimitedHost>
{
    [Fact]
    public async Task The_poll_over_the_limit_is_a_429_problem_with_retry_after()
    {
        var query = Query.User(Unique.Id("poller"));
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await host.Api.GetAsync($"api/events?{query}&wait=0");
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK, await allowed.Content.ReadAsStringAsync());
            allowed.Headers.Contains("X-RateLimit-Remaining").ShouldBeTrue();
        }

        using var refused = await host.Api.GetAsync($"api/events?{query}&wait=0");

        (await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("long-polls");
        refused.Headers.Contains("Retry-After").ShouldBeTrue();
    }
}
