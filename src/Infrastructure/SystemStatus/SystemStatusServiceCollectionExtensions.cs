using Beacon.Application.Common.Interfaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.Infrastructure.SystemStatus;

/// <summary>Registers the system status port and the health watcher.</summary>
internal static class SystemStatusServiceCollectionExtensions
{
    public static IServiceCollection AddSystemStatus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SystemStatusOptions>()
            .Bind(configuration.GetSection(SystemStatusOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<ISystemHealth, HealthCheckSystemHealth>();
        if (configuration.GetValue(SystemStatusOptions.SectionName + ":" + nameof(SystemStatusOptions.WatchHealth), true))
        {
            services.AddHostedService<HealthWatcher>();
        }

        return services;
    }
}
