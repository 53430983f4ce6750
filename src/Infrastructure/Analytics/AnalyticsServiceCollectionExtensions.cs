using Beacon.Application.Common.Interfaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.Infrastructure.Analytics;

internal static class AnalyticsServiceCollectionExtensions
{
    /// <summary>The live analytics store and the daily visitor salts (Redis when the realtime hub uses it), and the broadcaster.</summary>
    public static IServiceCollection AddLiveAnalytics(this IServiceCollection services, IConfiguration configuration, bool useRedis)
    {
        services.AddOptions<AnalyticsOptions>()
            .Bind(configuration.GetSection(AnalyticsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (useRedis)
        {
            services.AddSingleton<ILiveAnalyticsStore, RedisLiveAnalytics>();
            services.AddSingleton<IVisitorSalt, RedisVisitorSalt>();
        }
        else
        {
            services.AddSingleton<ILiveAnalyticsStore, InMemoryLiveAnalytics>();
            services.AddSingleton<IVisitorSalt, InMemoryVisitorSalt>();
        }

        services.AddSingleton<ILiveAnalytics>(sp => sp.GetRequiredService<ILiveAnalyticsStore>());
        services.AddHostedService<LiveAnalyticsBroadcaster>();
        return services;
    }
}
