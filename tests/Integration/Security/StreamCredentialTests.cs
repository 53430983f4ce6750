using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.Security;

public sealed class StreamCredentialTests(NoAnonymousHost host) : IClassFixture<NoAnonymousHost>
{
    private string SigningKey => host.Setting("Auth:SigningKey")!;

    [Fact]
    public async Task A_stream_whose_token_expires_ends_with_token_expired_and_resumes_without_loss_after_refresh()
    {
        var user = "expiring-" + Guid.NewGuid().ToString("N")[..8];
        var shortLived = Tokens.Sign(SigningKey, user, ["user"], expires: DateTime.UtcNow.AddSeconds(3));
        await using var stream = await host.ConnectAsync(string.Empty, new SseOptions(Token: shortLived));
        var seen = await host.PublishAsync("test.before", new { n = 1 }, new { users = new[] { user } });
        await stream.Events.WaitForIdAsync(seen);

        var expired = await stream.Events.WaitForEventAsync("token_expired", timeout: TimeSpan.FromSeconds(15));
        await stream.Events.WaitForEndAsync();
        expired.Id.ShouldBeNull("token_expired must not move the client's Last-Event-ID");

        // Published while the client refreshes its token: the resume delivers it.
        var missed = await host.PublishAsync("test.missed", new { n = 2 }, new { users = new[] { user } });
        var refreshed = await host.TokenAsync(user, "user");
        await using var resumed = await host.ConnectAsync(string.Empty, new SseOptions(Token: refreshed, LastEventId: seen));
        await resumed.Events.WaitForIdAsync(missed);
        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([missed]);
    }

    [Fact]
    public async Task A_ticket_opens_one_stream_once_for_the_user_it_was_issued_to()
    {
        var user = "ticketed-" + Guid.NewGuid().ToString("N")[..8];
        var ticket = await host.IssueTicketAsync(await host.TokenAsync(user, "user"));

        await using var stream = await host.ConnectAsync($"ticket={Uri.EscapeDataString(ticket)}");
        stream.Connected.UserId.ShouldBe(user);

        await using var replay = await host.OpenStreamAsync($"ticket={Uri.EscapeDataString(ticket)}");
        replay.Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unknown_tickets_are_refused_and_tickets_need_a_token()
    {
        await using var stream = await host.OpenStreamAsync("ticket=made-up");
        stream.Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var anonymous = await host.Api.PostAsync("api/sse/ticket", null);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_ticket_never_outlives_the_token_it_was_issued_for()
    {
        var expires = DateTime.UtcNow.AddSeconds(20);
        var token = Tokens.Sign(SigningKey, Unique.Id("short-lived"), ["user"], expires: expires);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sse/ticket");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await host.Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ticketExpires = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("expiresAt").GetDateTimeOffset();
        ticketExpires.ShouldBeLessThanOrEqualTo(new DateTimeOffset(expires).AddSeconds(1), "the ticket lifetime (30 s by default) is cut to the token's");
    }
}
