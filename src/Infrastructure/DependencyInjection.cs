using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Bus;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Beacon.Infrastructure;

/// <summary>Registers the infrastructure layer.</summary>
public static class DependencyInjection
{
    /// <summary>Adds the realtime hub on the embedded defaults: in-process bus and in-memory history.</summary>
    public static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<RealtimeOptions>()
            .Bind(configuration.GetSection(RealtimeOptions.SectionName))
            .PostConfigure(o => o.AllowAnonymous ??= environment.IsDevelopment())
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<RealtimeCounters>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<SseStreamRunner>();
        services.AddSingleton<IRealtimePublisher, RealtimePublisher>();

        services.AddSingleton<InMemoryEventHistory>();
        services.AddSingleton<IEventHistory>(sp => sp.GetRequiredService<InMemoryEventHistory>());
        services.AddSingleton<InProcessEventBus>();
        services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<InProcessEventBus>());
        services.AddHostedService(sp => sp.GetRequiredService<InProcessEventBus>());
        services.AddHostedService<HeartbeatService>();
        return services;
    }
}
