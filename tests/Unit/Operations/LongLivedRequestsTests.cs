using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Beacon.UnitTests.Operations;

/// <summary>
/// Which requests Sentry's request middleware leaves out (it would keep its scope for as long as they last): the
/// streams, the WebSocket and the long-poll, as routing matches them (any case, one trailing slash), and nothing else.
/// </summary>
public sealed class LongLivedRequestsTests
{
    [Theory]
    [InlineData("GET", "/api/sse")]
    [InlineData("GET", "/api/sse/")]
    [InlineData("GET", "/API/SSE")]
    [InlineData("GET", "/api/notifications/stream")]
    [InlineData("GET", "/api/notifications/stream/")]
    [InlineData("GET", "/api/events")]
    [InlineData("GET", "/api/ws")]
    [InlineData("CONNECT", "/api/ws")]
    public void Streams_websockets_and_long_polls_are_long_lived(string method, string path) =>
        LongLivedRequests.Matches(Request(method, path)).ShouldBeTrue();

    [Theory]
    [InlineData("POST", "/api/events")]
    [InlineData("GET", "/api/sse/stats")]
    [InlineData("POST", "/api/sse/ticket")]
    [InlineData("POST", "/api/sse")]
    [InlineData("GET", "/api/sse-other")]
    [InlineData("GET", "/api/notifications")]
    [InlineData("GET", "/api/admin/sse-monitor")]
    [InlineData("GET", "/")]
    [InlineData("GET", "")]
    [InlineData("GET", "/api/sse//")]
    public void Everything_else_is_not(string method, string path) =>
        LongLivedRequests.Matches(Request(method, path)).ShouldBeFalse();

    private static HttpRequest Request(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path.Length == 0 ? PathString.Empty : new PathString(path);
        return context.Request;
    }
}
