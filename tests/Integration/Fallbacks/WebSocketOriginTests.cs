using System.Net;
using System.Net.WebSockets;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary>A host whose CORS allow-list names one origin.</summary>
public sealed class AllowListHost() : BeaconHost(("Cors:AllowedOrigins:0", "https://app.example"));

/// <summary>
/// Browsers apply no CORS to WebSockets: any site's page can open one to <c>/api/ws</c>. The handshake's <c>Origin</c>
/// is checked against the CORS allow-list instead: a page of this site or of a listed origin connects, any other is
/// refused with a 403 before the upgrade, and a client that sends no <c>Origin</c> (not a browser) connects.
/// </summary>
public sealed class WebSocketOriginTests(AllowListHost host) : IClassFixture<AllowListHost>
{
    [Fact]
    public async Task A_page_of_an_origin_that_is_not_allowed_is_refused_with_403()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        var uri = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "api/ws", Query = Query.User(Unique.Id("origin")) }.Uri;

        var refused = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        refused.Message.ShouldContain("403");
    }

    [Fact]
    public async Task The_refusal_is_a_problem_naming_the_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/ws?" + Query.User(Unique.Id("origin")));
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await host.Api.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        problem.GetProperty("detail").GetString()!.ShouldContain("https://evil.example");
    }

    [Theory]
    [InlineData("https://app.example")]
    [InlineData(null)]
    public async Task A_listed_origin_and_a_client_without_an_origin_connect(string? origin)
    {
        await using var ws = await WsClient.ConnectAsync(host, Query.User(Unique.Id("origin")), options =>
        {
            if (origin is not null)
            {
                options.SetRequestHeader("Origin", origin);
            }
        });
        ws.Events.All[0].Type.ShouldBe("connected");
    }

    [Fact]
    public async Task A_page_of_this_site_connects_without_being_listed()
    {
        var ownOrigin = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using var ws = await WsClient.ConnectAsync(host, Query.User(Unique.Id("origin")), options => options.SetRequestHeader("Origin", ownOrigin));
        ws.Events.All[0].Type.ShouldBe("connected");
    }
}
