using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Which pages may open a WebSocket. Browsers apply no CORS to WebSockets, so any site's page can open one and read
/// what it carries (cross-site WebSocket hijacking, should a credential ever ride along by itself). The handshake's
/// <c>Origin</c> is held to the CORS allow-list instead, the one <c>Cors:AllowedOrigins</c> gives for fetches.
/// </summary>
internal static class WebSocketOrigin
{
    /// <summary>
    /// Whether the handshake may go on: it has no <c>Origin</c> (not a browser, which always sends one), its origin
    /// is on the allow-list (<paramref name="cors"/>, the policy's evaluation), or it is this site's own page.
    /// </summary>
    public static bool IsAllowed(HttpRequest request, CorsResult? cors) =>
        !request.Headers.TryGetValue(HeaderNames.Origin, out var origin)
        || cors is { IsOriginAllowed: true }
        || IsSameHost(origin.ToString(), request.Host);

    /// <summary>The 403, before any upgrade.</summary>
    public static IResult Refusal(HttpRequest request) => Results.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "This origin may not open a WebSocket here.",
        detail: $"The page's origin '{request.Headers.Origin}' is neither this site nor listed in {CorsSetup.SectionName}.");

    /// <summary>
    /// A page of this site: the origin names the host the request was sent to. Scheme and port are not compared:
    /// behind a proxy that ends TLS the node sees <c>http</c> for an <c>https</c> page, and nginx's <c>$host</c>
    /// passes the host without its port; a page on the same host is the same site all the same (its cookies are too).
    /// </summary>
    private static bool IsSameHost(string origin, HostString host) =>
        host.HasValue
        && Uri.TryCreate(origin, UriKind.Absolute, out var page)
        && Uri.TryCreate("http://" + host.ToUriComponent(), UriKind.Absolute, out var self)
        && string.Equals(page.IdnHost, self.IdnHost, StringComparison.OrdinalIgnoreCase);
}
