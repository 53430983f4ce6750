using System.Net;
using System.Net.Http.Headers;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>An embedded host with a tight ticket limit.</summary>
public sealed class TicketLimitedHost() : BeaconHost(("RateLimiting:Tickets:PermitLimit", "3"), ("RateLimiting:Tickets:WindowSeconds", "600"));

/// <summary><c>RateLimiting:Tickets</c>: one token cannot pile up stream tickets without bound.</summary>
public sealed class TicketLimitTests(TicketLimitedHost host) : IClassFixture<TicketLimitedHost>
{
    [Fact]
    public async Task The_ticket_over_the_limit_is_a_429_problem_with_retry_after_and_other_users_are_unaffected()
    {
        var token = await host.TokenAsync(Unique.Id("ticket-hoarder"), "user");
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await IssueAsync(token);
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK, await allowed.Content.ReadAsStringAsync());
            allowed.Headers.Contains("X-RateLimit-Remaining").ShouldBeTrue();
        }

        using var refused = await IssueAsync(token);
        (await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("tickets");
        refused.Headers.Contains("Retry-After").ShouldBeTrue();

        using var other = await IssueAsync(await host.TokenAsync(Unique.Id("ticket-user"), "user"));
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> IssueAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sse/ticket");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Api.SendAsync(request);
    }
}
