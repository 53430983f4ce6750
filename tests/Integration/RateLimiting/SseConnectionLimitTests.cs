using System.Net;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary><c>RateLimiting:SseConnections</c> = 5 per 60 s, per signed-in user.</summary>
public sealed class SseConnectionLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    [Fact]
    public async Task The_sixth_stream_in_the_window_gets_429_problem_with_retry_after_and_the_rate_limit_headers()
    {
        var token = await host.TokenAsync(Unique.Id("limited"));

        for (var i = 1; i <= RateLimits.Streams; i++)
        {
            await using var stream = await host.ConnectAsync(options: new SseOptions(Token: token));
            stream.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - i, RateLimits.StreamWindowSeconds);
        }

        await using var sixth = await host.OpenStreamAsync(options: new SseOptions(Token: token));
        var problem = await sixth.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        problem.GetProperty("detail").GetString()!.ShouldContain("sse-connections");
    }

    [Fact]
    public async Task A_user_at_the_limit_does_not_affect_another_user()
    {
        var busy = await host.TokenAsync(Unique.Id("busy"));
        for (var i = 0; i < RateLimits.Streams; i++)
        {
            await using var stream = await host.ConnectAsync(options: new SseOptions(Token: busy));
        }

        await using (var refused = await host.OpenStreamAsync(options: new SseOptions(Token: busy)))
        {
            await refused.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        }

        await using var other = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(Unique.Id("other"))));
        other.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - 1, RateLimits.StreamWindowSeconds);
    }

    [Fact]
    public async Task Rejected_attempts_are_not_counted_so_retrying_does_not_extend_the_lockout()
    {
        var token = await host.TokenAsync(Unique.Id("retrying"));
        for (var i = 0; i < RateLimits.Streams; i++)
        {
            await using var stream = await host.ConnectAsync(options: new SseOptions(Token: token));
        }

        var resets = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await using var refused = await host.OpenStreamAsync(options: new SseOptions(Token: token));
            await refused.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
            resets.Add(refused.Response.Header(RateLimitAssertions.Reset));
        }

        // The window keeps its end: the reset counts down (or stays within the same second), never restarts.
        resets.ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task A_ticket_stream_counts_against_the_tickets_user_not_the_address_every_user_shares()
    {
        // Every test client connects from 127.0.0.1, as users behind one NAT or proxy do.
        var first = await host.TokenAsync(Unique.Id("behind-nat"));
        var second = await host.TokenAsync(Unique.Id("behind-nat"));
        foreach (var token in new[] { first, second })
        {
            for (var i = 1; i <= RateLimits.Streams; i++)
            {
                await using var stream = await host.ConnectAsync(TicketQuery(await host.IssueTicketAsync(token)));
                stream.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - i, RateLimits.StreamWindowSeconds);
            }
        }

        await using var sixth = await host.OpenStreamAsync(TicketQuery(await host.IssueTicketAsync(first)));
        await sixth.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);

        // The user's window, whichever way the user connects.
        await using var withToken = await host.OpenStreamAsync(options: new SseOptions(Token: second));
        await withToken.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
    }

    [Fact]
    public async Task A_refused_ticket_connect_counts_against_the_tickets_user_too()
    {
        var token = await host.TokenAsync(Unique.Id("refused-ticket"));
        for (var i = 1; i <= RateLimits.Streams; i++)
        {
            // A private topic the token does not grant: refused, after the ticket has named its user.
            await using var refused = await host.OpenStreamAsync(TicketQuery(await host.IssueTicketAsync(token)) + "&topics=private:not-mine");
            refused.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            refused.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - i, RateLimits.StreamWindowSeconds);
        }

        await using var sixth = await host.OpenStreamAsync(TicketQuery(await host.IssueTicketAsync(token)));
        await sixth.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
    }

    [Fact]
    public async Task The_notification_stream_shares_the_window_with_the_general_stream()
    {
        var token = await host.TokenAsync(Unique.Id("notified"), "user");
        for (var i = 1; i <= RateLimits.Streams; i++)
        {
            await using var stream = i % 2 == 0
                ? await host.ConnectAsync(options: new SseOptions(Token: token))
                : await host.OpenNotificationStreamAsync(token);
            stream.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - i, RateLimits.StreamWindowSeconds);
        }

        await using var sixth = await host.OpenNotificationStreamAsync(token);
        await sixth.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
    }

    [Fact]
    public async Task Streams_over_sse_and_websocket_share_one_window()
    {
        var token = await host.TokenAsync(Unique.Id("mixed"));
        var sockets = new List<Beacon.IntegrationTests.Fallbacks.WsClient>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                sockets.Add(await Beacon.IntegrationTests.Fallbacks.WsClient.ConnectAsync(host, "access_token=" + Uri.EscapeDataString(token)));
            }

            for (var i = 3; i <= RateLimits.Streams; i++)
            {
                await using var stream = await host.ConnectAsync(options: new SseOptions(Token: token));
                stream.Response.ShouldReportWindow(RateLimits.Streams, RateLimits.Streams - i, RateLimits.StreamWindowSeconds);
            }

            await using var sixth = await host.OpenStreamAsync(options: new SseOptions(Token: token));
            await sixth.Response.ShouldBeRateLimitedAsync(RateLimits.Streams, RateLimits.StreamWindowSeconds);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    private static string TicketQuery(string ticket) => "ticket=" + Uri.EscapeDataString(ticket);
}
