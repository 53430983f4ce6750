using System.Net;
using System.Net.WebSockets;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary>
/// The fallbacks take the credentials <c>GET /api/sse</c> takes (anonymous mode off here), except that the long-poll,
/// a fetch that sends the header, does not read a token from its URL.
/// </summary>
public sealed class FallbackAuthTests(NoAnonymousHost host) : IClassFixture<NoAnonymousHost>
{
    [Fact]
    public async Task Without_a_token_both_fallbacks_are_401()
    {
        (await host.PollAsync(Query.User("mallory"))).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.PollAsync(string.Empty, token: "not-a-jwt")).Status.ShouldBe(HttpStatusCode.Unauthorized);

        var socket = new ClientWebSocket();
        var uri = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "api/ws", Query = Query.User("mallory") }.Uri;
        var refused = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        refused.Message.ShouldContain("401");
    }

    [Fact]
    public async Task A_token_identifies_the_user_whatever_userId_claims()
    {
        var user = Unique.Id("auth");
        var token = await host.TokenAsync(user, "user");
        var start = await host.PollAsync(Query.User("someone-else"), token: token);
        start.Status.ShouldBe(HttpStatusCode.OK, start.Body);

        var mine = await host.PublishAsync("notification", new { }, Audiences.Users(user));
        await host.PublishAsync("notification", new { }, Audiences.Users("someone-else"));
        (await host.PollAsync(string.Empty, after: start.Cursor, token: token)).Events.Select(e => e.Id).ShouldBe([mine]);

        await using var ws = await WsClient.ConnectAsync(host, Query.Of(("access_token", token), ("userId", "someone-else")));
        ws.Events.All[0].Str("userId").ShouldBe(user);
    }

    [Fact]
    public async Task The_long_poll_ignores_a_token_in_its_url()
    {
        var token = await host.TokenAsync(Unique.Id("poll-url"), "user");

        var viaQuery = await host.PollAsync(Query.Of(("access_token", token)));
        viaQuery.Status.ShouldBe(HttpStatusCode.Unauthorized, viaQuery.Body);
        (await host.PollAsync(string.Empty, token: token)).Status.ShouldBe(HttpStatusCode.OK);
    }
}
