using Beacon.Infrastructure.Jobs;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
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
    /// Adds Hangfire with the storage <see cref="JobsOptions.Storage"/> picks (by default Redis on the node's
    /// multiplexer when <c>ConnectionStrings:Redis</c> is set, in memory otherwise); a server with <see cref="JobsOptions.WorkerCount"/> workers; and the
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
        var storage = ChooseStorage(configuration);
        services.AddSingleton<JobStorage>(sp => storage switch
        {
            JobStorageKind.Redis => RedisStorage(sp),
            JobStorageKind.Postgres => PostgresStorage(configuration.GetConnectionString("Postgres")!, sp.GetRequiredService<IOptions<JobsOptions>>().Value),
            _ => new InMemoryStorage(),
        });
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
        services.AddTransient<Analytics.PageViewRetentionJob>();
        services.AddTransient<JobRunner>();
        services.AddSingleton<Application.Common.Interfaces.IJobScheduler, HangfireJobScheduler>();
        services.AddSingleton<Application.Common.Interfaces.IJobProgress, ThrottledJobProgress>();
        services.AddHostedService<RecurringJobRegistration>();
        return services;
    }

    /// <summary>Resolves <see cref="JobsOptions.Storage"/>, refusing a storage whose connection string is missing.</summary>
    internal static JobStorageKind ChooseStorage(IConfiguration configuration)
    {
        var configured = configuration.GetSection(JobsOptions.SectionName)[nameof(JobsOptions.Storage)];
        var kind = string.IsNullOrWhiteSpace(configured) ? JobStorageKind.Auto
            : Enum.TryParse<JobStorageKind>(configured, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new OptionsValidationException(JobsOptions.SectionName, typeof(JobsOptions), [$"Jobs:Storage must be one of: {string.Join(", ", Enum.GetNames<JobStorageKind>())} (was '{configured}')."]);
        var hasRedis = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));
        var hasPostgres = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres"));
        return kind switch
        {
            JobStorageKind.Auto => hasRedis ? JobStorageKind.Redis : JobStorageKind.Memory,
            JobStorageKind.Redis when !hasRedis => throw new OptionsValidationException(JobsOptions.SectionName, typeof(JobsOptions), ["Jobs:Storage is Redis but ConnectionStrings:Redis is empty."]),
            JobStorageKind.Postgres when !hasPostgres => throw new OptionsValidationException(JobsOptions.SectionName, typeof(JobsOptions), ["Jobs:Storage is Postgres but ConnectionStrings:Postgres is empty."]),
            _ => kind,
        };
    }

    private static PostgreSqlStorage PostgresStorage(string connectionString, JobsOptions jobs)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = jobs.PostgresSchema,
            PrepareSchemaIfNecessary = true,

            // The default (15 s) is how long a queued job can wait for an idle worker to notice it.
            QueuePollInterval = TimeSpan.FromMilliseconds(jobs.PostgresQueuePollMilliseconds),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    private static RedisStorage RedisStorage(IServiceProvider sp) => new(
        sp.GetRequiredService<IConnectionMultiplexer>(),
        new RedisStorageOptions { Prefix = sp.GetRequiredService<IOptions<JobsOptions>>().Value.RedisPrefix });
}
