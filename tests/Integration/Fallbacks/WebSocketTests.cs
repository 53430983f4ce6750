using System.Net;
using System.Net.WebSockets;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary><c>/api/ws</c>: the WebSocket fallback.</summary>
public sealed class WebSocketTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Connected_comes_first_then_the_same_events_with_the_same_ids_as_sse()
    {
        var user = Unique.Id("ws");
        await using var sse = await host.ConnectAsync(Query.User(user));
        await using var ws = await WsClient.ConnectAsync(host, Query.User(user));

        var connected = ws.Events.All[0];
        connected.Id.ShouldNotBeNull("a new stream's connected carries its resume point, as over SSE");
        connected.Str("clientId").ShouldNotBeNullOrEmpty();
        connected.Str("userId").ShouldBe(user);
        connected.Int("heartbeatSeconds").ShouldBe(1);

        var ids = new[]
        {
            await host.PublishAsync("notification", new { title = "a", body = "line1\nline2" }, Audiences.Users(user)),
            await host.PublishAsync("progress", new { operationId = "op", progress = 10 }, Audiences.All),
        };
        await host.PublishAsync("notification", new { title = "not yours" }, Audiences.Users(Unique.Id("other")));
        await ws.Events.WaitForIdAsync(ids[^1]);
        await sse.Events.WaitForIdAsync(ids[^1]);

        ws.Events.WithIds.Select(e => (e.Type, e.Id, e.Data)).ShouldBe(sse.Events.WithIds.Select(e => (e.Type, e.Id, e.Data)));
        ws.Events.WithIds.Select(e => e.Id).ShouldBe(ids);
    }

    [Fact]
    public async Task Heartbeats_arrive_as_ping_messages()
    {
        await using var ws = await WsClient.ConnectAsync(host, Query.User(Unique.Id("ws")));
        var ping = await ws.Events.WaitForEventAsync("ping", timeout: TimeSpan.FromSeconds(5));
        ping.Id.ShouldBeNull();
        ping.Str("time").ShouldNotBeNull();
    }

    [Fact]
    public async Task Resuming_with_lastEventId_replays_what_was_missed()
    {
        var user = Unique.Id("ws");
        var seen = await host.PublishAsync("update", new { n = 1 }, Audiences.Users(user));
        var missed = new[]
        {
            await host.PublishAsync("update", new { n = 2 }, Audiences.Users(user)),
            await host.PublishAsync("update", new { n = 3 }, Audiences.Users(user)),
        };

        await using var ws = await WsClient.ConnectAsync(host, Query.Of(("userId", user), ("lastEventId", seen)));
        var live = await host.PublishAsync("update", new { n = 4 }, Audiences.Users(user));
        await ws.Events.WaitForIdAsync(live);

        ws.Events.WithIds.Select(e => e.Id).ShouldBe([.. missed, live]);
    }

    [Fact]
    public async Task An_unknown_resume_point_gets_a_reset()
    {
        await using var ws = await WsClient.ConnectAsync(host, Query.Of(("userId", Unique.Id("ws")), ("lastEventId", "0badbeef-3")));
        var reset = await ws.Events.WaitForEventAsync("reset");
        reset.Str("reason").ShouldBe("unknown-id");
        ws.Events.All.Select(e => e.Type).Take(2).ShouldBe(["connected", "reset"]);
    }

    [Fact]
    public async Task A_websocket_counts_as_a_connection_and_the_admin_can_disconnect_it()
    {
        var user = Unique.Id("ws");
        await using var ws = await WsClient.ConnectAsync(host, Query.User(user));
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the WebSocket as one connection of its user");

        await host.DisconnectClientAsync(ws.Events.All[0].Str("clientId")!);

        await ws.Events.WaitForEndAsync();
        ws.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 0, "the connection gone");
    }

    [Fact]
    public async Task A_plain_get_is_400()
    {
        using var response = await host.Api.GetAsync("api/ws");
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    public async Task Other_methods_are_405_naming_the_upgrade_methods(string method)
    {
        using var response = await host.Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), "api/ws"));

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldBe(["GET", "CONNECT"], ignoreOrder: true);
    }
}
