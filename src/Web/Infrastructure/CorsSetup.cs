namespace Beacon.Web.Infrastructure;

/// <summary>
/// CORS from an explicit allow-list (<c>Cors:AllowedOrigins</c>). Credentials are allowed only for listed
/// origins; with no list, no cross-origin access is granted at all.
/// </summary>
internal static class CorsSetup
{
    public const string SectionName = "Cors:AllowedOrigins";

    /// <summary>
    /// The response headers a listed origin's script may read; a browser hides every other non-safelisted one from it.
    /// The poll cursor is the position the polling fallback resumes from (without it, the poll after an empty one starts
    /// from "now" and loses what was published between), and <c>Location</c> names what a 201/202 created.
    /// </summary>
    internal static readonly string[] ExposedHeaders =
    [
        "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
        Endpoints.Fallbacks.CursorHeader, Endpoints.Fallbacks.NodeHeader, Endpoints.Events.ReplayedHeader, "Location",
    ];

    public static IServiceCollection AddBeaconCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection(SectionName).Get<string[]>() ?? [];
        if (origins.Any(o => o.Trim() == "*"))
        {
            throw new InvalidOperationException($"{SectionName} must list origins; '*' would let any site read users' streams with their credentials.");
        }

        services.AddCors(options => options.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins)
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .AllowCredentials()
                    .WithExposedHeaders(ExposedHeaders);
            }
        }));
        return services;
    }
}
