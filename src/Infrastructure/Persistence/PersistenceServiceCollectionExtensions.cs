using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Persistence.Interceptors;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Beacon.Infrastructure.Persistence;

/// <summary>Registers the database: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, otherwise a SQLite file.</summary>
internal static class PersistenceServiceCollectionExtensions
{
    /// <summary>The health check's name, as <c>/api/system/status</c> shows it.</summary>
    public const string HealthCheckName = "database";

    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, string readyTag)
    {
        var options = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));

        services.AddScoped<DomainEventDispatcher>();
        services.AddScoped<DispatchDomainEventsInterceptor>();

        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddDbContext<BeaconDbContext, PostgresBeaconDbContext>((sp, db) => db
                .UseNpgsql(postgres)
                .AddInterceptors(sp.GetRequiredService<DispatchDomainEventsInterceptor>()));
            services.AddSingleton(new DatabaseConnectionString(postgres, IsPostgres: true));
        }
        else
        {
            var sqlite = SqliteConnectionString(configuration.GetConnectionString("Sqlite"), options, environment);
            services.AddDbContext<BeaconDbContext, SqliteBeaconDbContext>((sp, db) => db
                .UseSqlite(sqlite)
                .AddInterceptors(sp.GetRequiredService<DispatchDomainEventsInterceptor>()));
            services.AddSingleton(new DatabaseConnectionString(sqlite, IsPostgres: false));
        }

        services.AddScoped<IApplicationDbContext>(sp => sp.GetRequiredService<BeaconDbContext>());
        services.AddSingleton<IContactDirectory, SqlContactDirectory>();
        services.AddHostedService<DatabaseMigrator>();
        // A singleton (as the Redis check), not one instance per run as AddCheck makes: it remembers its failed probes.
        services.AddSingleton<DatabaseHealthCheck>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>(HealthCheckName, tags: [readyTag]);
        return services;
    }

    /// <summary>
    /// <c>ConnectionStrings:Sqlite</c> if given, else <see cref="DatabaseOptions.SqlitePath"/> under the content
    /// root. The folder is created here: SQLite creates the file but not its folder.
    /// </summary>
    private static string SqliteConnectionString(string? configured, DatabaseOptions options, IHostEnvironment environment)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? null : configured);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            builder.DataSource = options.SqlitePath;
        }

        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            // Relative to the content root, not to whatever the working directory happens to be.
            builder.DataSource = Path.GetFullPath(builder.DataSource, environment.ContentRootPath);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        return builder.ToString();
    }
}
