using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Creates and migrates the database when the app starts, before the server accepts requests (hosted
/// services start before Kestrel). Several nodes may start at once: a missing database is created by one of them, and on
/// PostgreSQL they migrate one at a time (<see cref="PostgresMigrationLock"/>; SQLite serves one node).
/// </summary>
internal sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<BeaconDbContext>();

        await EnsureDatabaseAsync(context.GetService<IRelationalDatabaseCreator>(), cancellationToken);
        await using var migrationLock = context.Database.IsNpgsql()
            ? await PostgresMigrationLock.AcquireAsync(context.Database.GetConnectionString()!, cancellationToken)
            : null;

        // Npgsql learns whether the history table exists by reading it, and on a new database EF Core logs that read
        // as a failed command, an error at every first start (dotnet/efcore#37328). Created first (concurrency-safe on
        // both providers), the table is there to read.
        await context.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);

        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
        if (pending.Length > 0)
        {
            LogMigrating(logger, context.Database.ProviderName ?? "?", pending.Length, string.Join(", ", pending));
            await context.Database.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Creates the database if it is missing. Migrate would too, but it checks and then creates, so of several nodes
    /// starting at once on a server without the database all but one failed ("database already exists") and stopped;
    /// here a creation that fails because another node's won is not an error.
    /// </summary>
    private static async Task EnsureDatabaseAsync(IRelationalDatabaseCreator creator, CancellationToken cancellationToken)
    {
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken);
        }
        catch (DbException)
        {
            if (!await creator.ExistsAsync(cancellationToken))
            {
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) on {Provider}: {Migrations}")]
    private static partial void LogMigrating(ILogger logger, string provider, int count, string migrations);
}
