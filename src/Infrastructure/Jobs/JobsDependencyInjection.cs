using Beacon.Infrastructure.Jobs;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.Redis.StackExchange;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Beacon.Infrastructure; // beside AddInfrastructureServices, like AddRateLimitBackend

/// <summary>Registers Hangfire: storage, this node's server and Beacon's recurring jobs.</summary>
public static class JobsDependencyInjection
{
    /// <summary>
    /// Adds Hangfire with in-memory storage, or Redis storage on the node's multiplexer when
    /// <c>ConnectionStrings:Redis</c> is set; a server with <see cref="JobsOptions.WorkerCount"/> workers; and the
    /// <c>stale-entry-cleanup</c> recurring job, registered at startup.
    /// </summary>
    public static IServiceCollection AddBeaconJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>()
            .Bind(configuration.GetSection(JobsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Hangfire's defaults for these are process-wide statics (JobStorage.Current, JobActivator.Current).
        // Registered here, they belong to this host, so two hosts in one process (tests) never share them.
        var useRedis = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));
        services.AddSingleton<JobStorage>(sp => useRedis ? RedisStorage(sp) : new InMemoryStorage());
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));

        // Before AddHangfire, whose own IJobFilterProvider registration only applies when none exists.
        FailedJobReporter.AddFailedJobReporting(services);
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            // Recommended settings, but keeping default values: a report of zeros still shows them on the dashboard.
            .UseRecommendedSerializerSettings(json => json.DefaultValueHandling = Newtonsoft.Json.DefaultValueHandling.Include)
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        services.AddHangfireServer((sp, server) =>
        {
            server.WorkerCount = sp.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
            server.ServerName = sp.GetRequiredService<Realtime.NodeIdentity>().NodeId;
        });

        services.AddTransient<StaleEntryCleanupJob>();
        services.AddHostedService<RecurringJobRegistration>();
        return services;
    }

    private static RedisStorage RedisStorage(IServiceProvider sp) => new(
        sp.GetRequiredService<IConnectionMultiplexer>(),
        new RedisStorageOptions { Prefix = sp.GetRequiredService<IOptions<JobsOptions>>().Value.RedisPrefix });
}
