using Beacon.Web.Endpoints;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// The routes where the bearer token may come in the URL, because a URL is all their client can send: a browser's
/// <c>EventSource</c> (<c>GET /api/sse</c>, <c>GET /api/notifications/stream</c>) and <c>WebSocket</c>
/// (<c>/api/ws</c>) cannot set an <c>Authorization</c> header, and the Hangfire dashboard (<c>/hangfire</c> and
/// below) is opened as a page, after which <see cref="JobsDashboard"/> moves the token into a cookie (kept for
/// scripts and old links: <c>POST /hangfire/session</c> sets that cookie from the header, with no token in any URL).
/// A token in a URL ends up in browser history, proxy logs and <c>Referer</c> headers, so every other route ignores
/// one there, the session route included; the long-poll (<c>GET /api/events</c>) is a <c>fetch</c> that sends the header.
/// </summary>
internal static class QueryTokenRoutes
{
    /// <summary>The query parameter those routes read the token from.</summary>
    public const string AccessTokenParameter = "access_token";

    /// <summary>The seed's name for it, read on <see cref="Notifications.StreamPath"/> only.</summary>
    public const string SeedTokenParameter = "token";

    private static readonly string[] Streams = [Sse.StreamPath, Notifications.StreamPath, Fallbacks.WebSocketPath];

    /// <summary>Whether the bearer scheme reads <see cref="AccessTokenParameter"/> from <paramref name="path"/>'s query.</summary>
    public static bool TakesAccessToken(PathString path)
    {
        if (path.StartsWithSegments(JobsDashboard.Path, StringComparison.OrdinalIgnoreCase))
        {
            // The session route exists so that the token stays out of URLs; it reads the header only.
            return !JobsDashboard.IsSessionPath(path);
        }

        foreach (var stream in Streams)
        {
            if (IsRoute(path, stream))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the bearer scheme also reads the seed's <see cref="SeedTokenParameter"/> from <paramref name="path"/>'s query.</summary>
    public static bool TakesSeedToken(PathString path) => IsRoute(path, Notifications.StreamPath);

    /// <summary>Routing matches a route in any case and with or without one trailing slash; so must this, or such a request would lose its token.</summary>
    internal static bool IsRoute(PathString path, string route)
    {
        var value = path.Value.AsSpan();
        if (value.Length > 1 && value[^1] == '/')
        {
            value = value[..^1];
        }

        return value.Equals(route, StringComparison.OrdinalIgnoreCase);
    }
}
