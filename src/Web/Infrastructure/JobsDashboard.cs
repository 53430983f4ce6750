using System.Security.Claims;
using Hangfire;
using Microsoft.AspNetCore.Authentication;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// The Hangfire dashboard at <c>/hangfire</c>, for admins only. A browser cannot put a bearer token on a page
/// load, so the dashboard's pages authenticate with an HttpOnly, SameSite=Strict cookie scoped to <c>/hangfire</c>
/// that <see cref="JwtSetup"/> reads there. An admin's client gets it from <c>POST /hangfire/session</c> with the
/// token in the <c>Authorization</c> header (<see cref="Endpoints.DashboardSession"/>), then opens the page with nothing in its
/// URL. Opening <c>/hangfire?access_token=&lt;jwt&gt;</c> still works for scripts and old links, but is discouraged:
/// that first URL, token included, reaches browser history and any log or <c>Referer</c> that sees it; it stores the
/// same cookie and redirects to the same page without the token. Refusals are problem+json: 401 without a valid
/// token, 403 for a token without the admin role.
/// </summary>
internal static class JobsDashboard
{
    /// <summary>Where the dashboard is served.</summary>
    public const string Path = "/hangfire";

    /// <summary>The cookie carrying the dashboard's token.</summary>
    public const string CookieName = "beacon_dashboard";

    /// <summary>Where an admin's bearer header is traded for the dashboard's cookie (<see cref="Endpoints.DashboardSession"/>).</summary>
    public const string SessionPath = Path + "/session";

    private const string TokenParameter = QueryTokenRoutes.AccessTokenParameter;

    private static readonly object CookieTokenKey = new();

    public static WebApplication UseJobsDashboard(this WebApplication app)
    {
        // The session route is an endpoint, not a dashboard page: Hangfire's branch would answer it 404 before routing ran it.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Path) && !IsSessionPath(context.Request.Path),
            branch =>
            {
                branch.Use(GateAsync);
                branch.UseHangfireDashboard(Path, new DashboardOptions
                {
                    AsyncAuthorization = [new AdminDashboardFilter()],
                    DashboardTitle = "Beacon jobs",
                    AppPath = "/",
                    DisplayStorageConnectionString = false,
                });
            });
        return app;
    }

    /// <summary>Whether a request may use the dashboard.</summary>
    public static bool IsAdmin(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Admin);

    /// <summary>Whether <paramref name="path"/> is <see cref="SessionPath"/>, in any case and with or without a trailing slash, as routing matches it.</summary>
    public static bool IsSessionPath(PathString path) => QueryTokenRoutes.IsRoute(path, SessionPath);

    /// <summary>
    /// true when the dashboard cookie should be the request's token (a dashboard request without an Authorization
    /// header). Never on <see cref="SessionPath"/>: the session is opened by the header alone.
    /// </summary>
    public static bool TryReadCookieToken(HttpRequest request, out string token)
    {
        token = string.Empty;
        if (!request.Path.StartsWithSegments(Path) || IsSessionPath(request.Path) || request.Headers.ContainsKey("Authorization")
            || !request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }

        token = value;
        return true;
    }

    /// <summary>
    /// Records on <paramref name="context"/> that the bearer scheme took its token from the dashboard's cookie, so the
    /// gate knows it rather than guessing again which of the query, the header and the cookie <see cref="JwtSetup"/> chose
    /// (an empty <c>?access_token=</c>, say, leaves the request to the cookie).
    /// </summary>
    public static void NoteCookieToken(HttpContext context) => context.Items[CookieTokenKey] = true;

    /// <summary>Whether the cookie is the token that authenticated <paramref name="context"/> (<see cref="NoteCookieToken"/>).</summary>
    private static bool AuthenticatedByCookie(HttpContext context) => context.Items.ContainsKey(CookieTokenKey);

    private static async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            // A stale cookie (expired token) would fail every time; drop it so the next link with a token starts clean.
            if (context.Request.Cookies.ContainsKey(CookieName))
            {
                context.Response.Cookies.Delete(CookieName, CookieOptions(context, expires: null));
            }

            await context.ChallengeAsync();
            return;
        }

        if (!IsAdmin(user))
        {
            await context.ForbidAsync();
            return;
        }

        // A browser sends the cookie with any request to /hangfire, whoever wrote the page that made it: an action
        // (trigger, delete, requeue) it authenticates must come from the dashboard's own pages. SameSite=Strict keeps
        // other sites out; this also keeps out sibling subdomains and browsers that ignore SameSite.
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && AuthenticatedByCookie(context) && IsCrossSite(context.Request))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Dashboard actions are only taken from the dashboard's own pages.").ExecuteAsync(context);
            return;
        }

        // The query token authenticated this request (it wins over the header, see JwtSetup): keep it in the
        // cookie and take it out of the address bar and the browser history.
        if (context.Request.Query.TryGetValue(TokenParameter, out var token) && !string.IsNullOrEmpty(token))
        {
            StoreToken(context, token.ToString());
            var rest = context.Request.Query.Where(p => !string.Equals(p.Key, TokenParameter, StringComparison.OrdinalIgnoreCase));
            context.Response.Redirect(context.Request.PathBase + context.Request.Path + QueryString.Create(rest));
            return;
        }

        await next(context);
    }

    /// <summary>
    /// Keeps <paramref name="token"/>, which authenticated <paramref name="context"/>'s caller as an admin, in the
    /// dashboard's cookie until the token expires.
    /// </summary>
    public static void StoreToken(HttpContext context, string token) =>
        context.Response.Cookies.Append(CookieName, token, CookieOptions(context, TokenLifetime.ExpiryOf(context.User)));

    /// <summary>
    /// What the browser says of the request's origin: <c>Sec-Fetch-Site</c> (every current browser), else the
    /// <c>Origin</c> header's host against the request's (the scheme may be a proxy's). Neither: not a browser's.
    /// </summary>
    private static bool IsCrossSite(HttpRequest request)
    {
        if (request.Headers.TryGetValue("Sec-Fetch-Site", out var site))
        {
            return !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase);
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = context.Request.PathBase + Path,
        Expires = expires,
        IsEssential = true,
    };
}
