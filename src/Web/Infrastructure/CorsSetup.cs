namespace Beacon.Web.Infrastructure;

/// <summary>
/// CORS from an explicit allow-list (<c>Cors:AllowedOrigins</c>). Credentials are allowed only for listed
/// origins; with no list, no cross-origin access is granted at all.
/// </summary>
internal static class CorsSetup
{
    public const string SectionName = "Cors:AllowedOrigins";

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
                    .WithExposedHeaders("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
            }
        }));
        return services;
    }
}
