namespace Beacon.Web.Endpoints;

/// <summary>
/// Serves the React client (built into <c>wwwroot/app</c> from <c>ClientApp</c>) at its page routes. Only
/// these routes fall back to the app's <c>index.html</c>: an unknown <c>/api/...</c> path must stay a 404, so
/// the pages can tell that a module is not deployed.
/// </summary>
internal static class ClientApp
{
    /// <summary>The app's own routes (its router picks the page).</summary>
    internal static readonly string[] Routes =
    [
        "/", "/sse-demo", "/login", "/notifications", "/jobs", "/chat", "/analytics", "/admin/sse-monitor",
    ];

    private const string IndexPath = "app/index.html";
    private const string StaticDemoPath = "sse-demo.html";
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapClientApp(this IEndpointRouteBuilder app)
    {
        foreach (var route in Routes)
        {
            app.MapGet(route, (HttpContext context, IWebHostEnvironment environment) => Serve(context, environment, route))
                .ExcludeFromDescription();
        }

        return app;
    }

    private static IResult Serve(HttpContext context, IWebHostEnvironment environment, string route)
    {
        // index.html names the current hashed bundles, so it must never be served stale after a deploy.
        context.Response.Headers.CacheControl = "no-cache";
        if (environment.WebRootFileProvider.GetFileInfo(IndexPath).Exists)
        {
            return Results.File(IndexPath, Html);
        }

        // Without a client build (e.g. -p:SkipClientBuild=true) the plain demo page still works.
        return route == "/sse-demo"
            ? Results.File(StaticDemoPath, Html)
            : Results.Problem(statusCode: 404, title: "The client app is not built.", detail: "Run `npm ci && npm run build` in src/Web/ClientApp, or build without -p:SkipClientBuild=true.");
    }
}
