using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Analytics;
using Beacon.Infrastructure.Messaging;
using Beacon.Infrastructure.Persistence;
using Beacon.Infrastructure.SystemStatus;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Bus;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Redis;
using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Infrastructure.Realtime.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure;

/// <summary>Registers the infrastructure layer.</summary>
public static class DependencyInjection
{
    /// <summary>
    /// Adds the realtime hub: embedded (in-process bus, in-memory history) by default, or Redis pub/sub +
    /// streams when <c>ConnectionStrings:Redis</c> is set.
    /// </summary>
    public static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<RealtimeOptions>()
            .Bind(configuration.GetSection(RealtimeOptions.SectionName))
            .PostConfigure(o => o.AllowAnonymous ??= environment.IsDevelopment())
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<AnonymousModeWarning>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeIdentity>();
        services.TryAddSingleton<IErrorReporter, Diagnostics.NullErrorReporter>();
        services.AddMetrics();
        services.AddSingleton(sp => new RealtimeCounters(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<RealtimeGauges>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<NodeShutdown>();
        services.AddSingleton<StreamAdmission>();
        services.AddSingleton<SseStreamRunner>();
        services.AddSingleton<Realtime.Fallbacks.LongPollRunner>();
        services.AddSingleton<Realtime.Fallbacks.WebSocketStreamRunner>();
        services.AddSingleton<IRealtimePublisher, RealtimePublisher>();
        services.AddSingleton<ITopicAccessPolicy, PrivateTopicPolicy>();
        services.AddSingleton<LocalStaleEntryCleaner>();

        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            AddEmbeddedRealtime(services);
        }
        else
        {
            AddRedisRealtime(services, redis);
        }

        services.AddRateLimitBackend(configuration, useRedis: !string.IsNullOrWhiteSpace(redis));
        services.AddHostedService<HeartbeatService>();
        services.AddHealthChecks();
        services.AddPersistence(configuration, environment, ReadyTag);
        services.AddSystemStatus(configuration);
        services.AddLiveAnalytics(configuration, useRedis: !string.IsNullOrWhiteSpace(redis));
        services.AddOptions<PresenceOptions>().Bind(configuration.GetSection(PresenceOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PresenceMonitor>();
        services.AddSingleton<IUserPresence>(sp => sp.GetRequiredService<PresenceMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<PresenceMonitor>());
        services.AddBeaconJobs(configuration);
        // A singleton (as the Redis check), not one instance per run as AddCheck makes: it remembers its failed probes.
        services.AddSingleton<Jobs.HangfireHealthCheck>();
        services.AddHealthChecks().AddCheck<Jobs.HangfireHealthCheck>("hangfire", tags: [ReadyTag]);
        return services;
    }

    private static void AddEmbeddedRealtime(IServiceCollection services)
    {
        services.AddSingleton<InMemoryEventHistory>();
        services.AddSingleton<IEventHistory>(sp => sp.GetRequiredService<InMemoryEventHistory>());
        services.AddSingleton<InProcessEventBus>();
        services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<InProcessEventBus>());
        services.AddHostedService(sp => sp.GetRequiredService<InProcessEventBus>());

        services.AddSingleton<LocalCluster>();
        services.AddSingleton<IClusterView>(sp => sp.GetRequiredService<LocalCluster>());
        services.AddSingleton<IPresenceStore>(sp => sp.GetRequiredService<LocalCluster>());
        services.AddSingleton<ITopicPresence>(sp => sp.GetRequiredService<LocalCluster>());
        services.AddSingleton<IUserStreamsElsewhere, NoOtherNodes>();
        services.AddSingleton<IConnectionTracker>(sp => new PresenceConnectionTracker(sp.GetRequiredService<LocalCluster>(), sp.GetRequiredService<PresenceMonitor>()));
        services.AddSingleton<IPresenceStateStore, InMemoryPresenceStateStore>();
        services.AddSingleton<ITypingThrottle, InMemoryTypingThrottle>();
        services.AddSingleton<IStaleEntryCleaner>(sp => sp.GetRequiredService<LocalStaleEntryCleaner>());
        services.AddSingleton<ITicketStore, InMemoryTicketStore>();
        services.AddSingleton<IIdempotencyStore, Realtime.Idempotency.InMemoryIdempotencyStore>();
        services.AddSingleton<IConnectionControl, Realtime.Control.LocalConnectionControl>();
    }

    private static void AddRedisRealtime(IServiceCollection services, string connectionString)
    {
        services.AddSingleton<IConnectionMultiplexer>(sp =>
            RedisConnection.Connect(connectionString, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Beacon.Redis"), sp.GetRequiredService<IErrorReporter>()));
        services.AddSingleton<IEventHistory, RedisEventHistory>();
        services.AddSingleton<RedisEventBus>();
        services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<RedisEventBus>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisEventBus>());

        services.AddSingleton<RedisCluster>();
        services.AddSingleton<IClusterView>(sp => sp.GetRequiredService<RedisCluster>());
        services.AddSingleton<IPresenceStore>(sp => sp.GetRequiredService<RedisCluster>());
        services.AddSingleton<ITopicPresence>(sp => sp.GetRequiredService<RedisCluster>());
        services.AddSingleton<IUserStreamsElsewhere, RedisUserStreamsElsewhere>();
        services.AddSingleton<IConnectionTracker>(sp => new PresenceConnectionTracker(sp.GetRequiredService<RedisCluster>(), sp.GetRequiredService<PresenceMonitor>()));
        services.AddSingleton<IPresenceStateStore, RedisPresenceStateStore>();
        services.AddSingleton<ITypingThrottle, RedisTypingThrottle>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisCluster>());
        services.AddSingleton<IStaleEntryCleaner, StaleEntryCleaner>();
        services.AddSingleton<ITicketStore, RedisTicketStore>();
        services.AddSingleton<IIdempotencyStore, Realtime.Idempotency.RedisIdempotencyStore>();
        services.AddSingleton<Realtime.Control.RedisConnectionControl>();
        services.AddSingleton<IConnectionControl>(sp => sp.GetRequiredService<Realtime.Control.RedisConnectionControl>());
        services.AddHostedService(sp => sp.GetRequiredService<Realtime.Control.RedisConnectionControl>());
        services.AddSingleton<RedisHealthCheck>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag]);
    }

    /// <summary>The name of the meter Beacon's realtime instruments are on.</summary>
    public const string RealtimeMeterName = RealtimeCounters.MeterName;

    /// <summary>The name of the activity source of publish and delivery spans.</summary>
    public const string RealtimeActivitySourceName = RealtimeTracing.SourceName;

    /// <summary>The tag of health checks that decide readiness (<c>/health/ready</c>); liveness runs none.</summary>
    public const string ReadyTag = "ready";
}
