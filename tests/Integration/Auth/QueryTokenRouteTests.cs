using System.Net;
using System.Net.Http.Headers;

namespace Beacon.IntegrationTests.Auth;

/// <summary>
/// A token in a URL ends up in browser history, proxy logs and Referer headers: only the routes whose client cannot
/// set a header (EventSource streams, the WebSocket, the dashboard's first page) read <c>access_token</c>; every
/// other route answers as if no token were sent.
/// </summary>
public sealed class QueryTokenRouteTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Theory]
    [InlineData("GET", "api/notifications")]
    [InlineData("GET", "api/notifications/unread-count")]
    [InlineData("GET", "api/jobs")]
    [InlineData("GET", "api/conversations")]
    [InlineData("POST", "api/sse/ticket")]
    public async Task A_token_in_the_query_of_a_route_that_takes_the_header_is_ignored(string method, string path)
    {
        var token = await host.TokenAsync(Unique.Id("url-token"), "user");

        using var viaQuery = await host.Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"{path}?access_token={token}"));
        await viaQuery.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        viaQuery.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");

        using var withHeader = new HttpRequestMessage(new HttpMethod(method), path);
        withHeader.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var viaHeader = await host.Api.SendAsync(withHeader);
        viaHeader.StatusCode.ShouldBe(HttpStatusCode.OK, await viaHeader.Content.ReadAsStringAsync());
    }

    // Routing matches a route in any case and with one trailing slash; the query token must follow it there.
    [Theory]
    [InlineData("/api/sse/")]
    [InlineData("/API/SSE")]
    [InlineData("/api/notifications/stream/")]
    public async Task A_stream_takes_the_query_token_however_its_path_is_written(string path)
    {
        var user = Unique.Id("url-path");
        var token = await host.TokenAsync(user, "user");

        await using var wire = await RawHttp.OpenAsync(host.BaseAddress, $"{path}?access_token={token}");
        (await wire.ReadHeadAsync()).ShouldStartWith("HTTP/1.1 200 OK\r\n");
        (await wire.ReadUntilAsync("\n\n", frames: 2)).ShouldContain($"\"userId\":\"{user}\"");
    }
}
