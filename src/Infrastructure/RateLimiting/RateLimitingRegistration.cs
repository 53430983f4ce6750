using Beacon.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the root namespace, next to DependencyInjection, which calls it.
namespace Beacon.Infrastructure;

/// <summary>Registers the rate-limit options and the store behind the limiters.</summary>
internal static class RateLimitingRegistration
{
    /// <summary>
    /// Adds <see cref="RateLimitingOptions"/> (validated at start), the framework's rate-limiting services, and
    /// the partition limiters: Redis-backed when <paramref name="useRedis"/>, in memory otherwise. The web
    /// layer adds the middleware with its policies (<c>RateLimitingSetup</c>).
    /// </summary>
    public static IServiceCollection AddRateLimitBackend(this IServiceCollection services, IConfiguration configuration, bool useRedis)
    {
        services.AddOptions<RateLimitingOptions>()
            .Bind(configuration.GetSection(RateLimitingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });

        if (useRedis)
        {
            services.AddSingleton<RedisWindowCounter>();
            services.AddSingleton<IPartitionLimiterFactory, RedisPartitionLimiterFactory>();
        }
        else
        {
            services.AddSingleton<IPartitionLimiterFactory, InMemoryPartitionLimiterFactory>();
        }

        return services;
    }
}
