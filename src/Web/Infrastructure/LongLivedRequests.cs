using Beacon.Web.Endpoints;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// The requests that last as long as their client stays connected: the event streams (<c>GET /api/sse</c>,
/// <c>GET /api/notifications/stream</c>), the WebSocket transport and a long-poll. A middleware that keeps state
/// until its request ends keeps it for hours on these, once per connection, so such middleware leaves them out.
/// </summary>
internal static class LongLivedRequests
{
    public static bool Matches(HttpRequest request)
    {
        var path = request.Path.Value;
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        // Routing matches a route with or without one trailing slash, and in any case.
        if (path.Length > 1 && path[^1] == '/')
        {
            path = path[..^1];
        }

        if (path.Equals(Fallbacks.WebSocketPath, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return HttpMethods.IsGet(request.Method)
            && (path.Equals(Sse.StreamPath, StringComparison.OrdinalIgnoreCase)
                || path.Equals(Notifications.StreamPath, StringComparison.OrdinalIgnoreCase)
                || path.Equals(Fallbacks.PollPath, StringComparison.OrdinalIgnoreCase));
    }
}
