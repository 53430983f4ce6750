namespace Beacon.Web.Infrastructure;

/// <summary>
/// Headers that make pages harder to abuse: no MIME sniffing, no framing, no referrer leaks, and a
/// same-origin content policy for HTML. API responses get the cheap ones too.
/// </summary>
internal static class SecurityHeaders
{
    // Beacon's pages (the React app, the plain demo) load scripts from files only, so an injected inline script, what
    // an XSS is, does not run. Inline styles stay allowed: pages set style attributes, and a style cannot run code.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    // Hangfire's dashboard and Scalar's API reference write inline scripts of their own: only their pages allow them.
    private const string InlineScriptContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>Where Scalar's API reference page is served (its package's default route).</summary>
    internal const string ApiReferencePath = "/scalar";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        Apply(context);
        return next(context);
    });

    /// <summary>Adds the headers when <paramref name="context"/>'s response starts, whatever content it turns out to have.</summary>
    public static void Apply(HttpContext context) => context.Response.OnStarting(
        static state =>
        {
            Set((HttpResponse)state);
            return Task.CompletedTask;
        },
        context.Response);

    /// <summary>
    /// Sets the headers now, for a response whose content type is already known or set later to a non-HTML type
    /// (the SSE route, which also sets them again after clearing the response for an error). Unlike
    /// <see cref="Apply"/>, it registers no callback, which a stream would keep for its whole life.
    /// </summary>
    public static void Set(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Hangfire's branch has moved /hangfire from the path into the base path by the time its page starts.
            var request = response.HttpContext.Request;
            var path = request.PathBase.Add(request.Path);
            headers.ContentSecurityPolicy = path.StartsWithSegments(JobsDashboard.Path, StringComparison.OrdinalIgnoreCase)
                || path.StartsWithSegments(ApiReferencePath, StringComparison.OrdinalIgnoreCase)
                ? InlineScriptContentSecurityPolicy
                : ContentSecurityPolicy;
        }
    }
}
