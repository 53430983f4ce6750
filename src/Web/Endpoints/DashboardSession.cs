using Beacon.Web.Infrastructure;

namespace Beacon.Web.Endpoints;

/// <summary>
/// <c>POST /hangfire/session</c>: an admin's client trades the token in its <c>Authorization</c> header for the
/// Hangfire dashboard's cookie (<see cref="JobsDashboard"/>), answers <c>204</c>, and then opens <c>/hangfire</c> as a
/// page with no token in its URL, so none reaches browser history, access logs or <c>Referer</c> headers.
/// </summary>
internal static class DashboardSession
{
    private const string BearerPrefix = "Bearer ";

    public static IEndpointRouteBuilder MapDashboardSessionEndpoint(this IEndpointRouteBuilder app)
    {
        // Not open to cross-site request forgery: the header is the only credential read on this route (QueryTokenRoutes
        // and JobsDashboard.TryReadCookieToken leave out the query token and the cookie here), and a page on another
        // site can neither read the admin's token nor make the browser attach it to a request.
        app.MapPost(JobsDashboard.SessionPath, Start)
            .WithTags("Admin")
            .RequireAuthorization(Roles.IsAdmin)
            .Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static IResult Start(HttpContext context)
    {
        // Authenticated, and by the header alone; only a scheme added beside the bearer one could leave it without a token.
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Challenge();
        }

        JobsDashboard.StoreToken(context, header[BearerPrefix.Length..].Trim());
        return Results.NoContent();
    }
}
