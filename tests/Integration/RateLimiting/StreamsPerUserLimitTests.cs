using System.Net;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>
/// <c>Realtime:MaxStreamsPerUser</c> = 1 beside the real stream-connect limit: a user at the cap is refused before the
/// connect limit counts the attempt, so retrying after each <c>Retry-After</c> does not spend the user's window.
/// </summary>
public sealed class StreamsPerUserLimitTests(RateLimitedOneStreamPerUserHost host) : IClassFixture<RateLimitedOneStreamPerUserHost>
{
    [Fact]
    public async Task Refusals_at_the_stream_cap_do_not_spend_the_connect_window()
    {
        var token = await host.TokenAsync(Unique.Id("capped"));
        var first = await host.ConnectAsync(options: new SseOptions(Token: token));
        first.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - 1, RateLimits.StreamWindowSeconds);

        for (var i = 0; i < RateLimits.Streams + 1; i++)
        {
            await using var refused = await host.OpenStreamAsync(options: new SseOptions(Token: token));
            refused.Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            (await refused.Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("title").GetString().ShouldBe("Too many open streams.");
        }

        // Tickets too: the cap answers once the ticket has named its user.
        await using (var byTicket = await host.OpenStreamAsync("ticket=" + Uri.EscapeDataString(await host.IssueTicketAsync(token))))
        {
            byTicket.Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            (await byTicket.Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("title").GetString().ShouldBe("Too many open streams.");
        }

        await first.DisposeAsync();
        await using (var next = await host.OpenOnceAdmittedAsync("", new SseOptions(Token: token), "the user's stream never closed, or the connect window was spent on refusals"))
        {
            next.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - 2, RateLimits.StreamWindowSeconds);
        }
    }
}
