using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Beacon.IntegrationTests.Fallbacks;

namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// Topics under <c>Realtime:PrivateTopicPrefixes</c> (<c>private:</c> by default) are open only to subscribers whose
/// token grants them (the <c>topics</c> claim; admins have every grant), on every subscription route; other topics stay
/// open to anyone.
/// </summary>
public sealed class PrivateTopicTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task A_private_topic_without_a_grant_is_403_naming_it_on_every_route_and_nothing_is_registered()
    {
        var user = Unique.Id("outsider");
        var token = await host.TokenAsync(user, "user");
        var secret = "private:" + Unique.Id("board");
        var open = Unique.Id("news");
        var query = Query.Of(("topics", $"{open},{secret}"));

        await using (var stream = await host.OpenStreamAsync(query, new SseOptions(Token: token)))
        {
            // Before reading the body: an admitted stream's never ends.
            stream.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            ShouldRefuse(await stream.Response.ShouldBeProblemAsync(HttpStatusCode.Forbidden), secret);
        }

        var poll = await host.PollAsync(query, token: token);
        poll.Status.ShouldBe(HttpStatusCode.Forbidden, poll.Body);
        ShouldRefuse(JsonDocument.Parse(poll.Body).RootElement, secret);

        using (var socket = new ClientWebSocket())
        {
            var uri = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "api/ws", Query = query + "&access_token=" + Uri.EscapeDataString(token) }.Uri;
            var refused = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
            refused.Message.ShouldContain("403");
        }

        // Anonymous mode's claimed user has no grants either.
        await using (var anonymous = await host.OpenStreamAsync(Query.Of(("userId", user), ("topics", secret))))
        {
            anonymous.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await host.GetStatsAsync()).ClientsOf(user).ShouldBe(0, "a refused subscriber is not registered");

        // The open topic alone is fine.
        await using var reader = await host.ConnectAsync(Query.Of(("topics", open)), new SseOptions(Token: token));
        var id = await host.PublishAsync("news.item", new { }, Audiences.Topics(open));
        await reader.Events.WaitForIdAsync(id);
    }

    [Fact]
    public async Task A_granted_private_topic_delivers_by_token_ticket_and_prefix_grant_and_to_admins()
    {
        var team = "private:" + Unique.Id("team") + ":";
        var board = team + "board";
        var exact = await host.TokenWithTopicsAsync(Unique.Id("member"), [board]);
        var prefix = await host.TokenWithTopicsAsync(Unique.Id("lead"), [team + "*"]);
        var viaTicket = await host.IssueTicketAsync(exact);

        await using var byToken = await host.ConnectAsync(Query.Of(("topics", board)), new SseOptions(Token: exact));
        await using var byPrefix = await host.ConnectAsync(Query.Of(("topics", board)), new SseOptions(Token: prefix));
        await using var byTicket = await host.ConnectAsync(Query.Of(("topics", board), ("ticket", viaTicket)));
        await using var byAdmin = await host.ConnectAsync(Query.Of(("topics", board)), new SseOptions(Token: await host.AdminTokenAsync()));

        var id = await host.PublishAsync("board.changed", new { }, Audiences.Topics(board));
        foreach (var reader in new[] { byToken, byPrefix, byTicket, byAdmin })
        {
            await reader.Events.WaitForIdAsync(id);
        }

        // A grant covers what it names, nothing beside it.
        await using var beside = await host.OpenStreamAsync(Query.Of(("topics", team + "payroll")), new SseOptions(Token: exact));
        beside.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Dev_tokens_refuse_unusable_topic_grants()
    {
        using var response = await host.Api.PostAsJsonAsync("api/auth/dev-token", new { userId = Unique.Id("u"), topics = new[] { "ok", "" } });
        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("topics").ShouldNotBeEmpty();
    }

    private static void ShouldRefuse(JsonElement problem, string topic)
    {
        problem.GetProperty("title").GetString().ShouldBe("Not allowed on these topics.");
        problem.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldBe([topic]);
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrWhiteSpace();
    }
}
