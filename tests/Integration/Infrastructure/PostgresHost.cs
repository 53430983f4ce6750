using Beacon.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respawn;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// Beacon on a real PostgreSQL: a database of its own on the run's shared server, migrated by the app at
/// start. Tests call <see cref="ResetDatabaseAsync"/> first (Respawn empties every table but the
/// migration history), so each starts from an empty database whatever ran before it.
/// </summary>
public class PostgresHost : BeaconHost
{
    private Respawner? _respawner;

    public PostgresHost()
    {
    }

    protected PostgresHost(params (string Key, string Value)[] settings)
        : base(settings)
    {
    }

    /// <summary>This host's database.</summary>
    public string ConnectionString { get; private set; } = null!;

    /// <summary>Empties every table (not the migrations history).</summary>
    public async Task ResetDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        _respawner ??= await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = ["__EFMigrationsHistory"],
        });

        // The app may still be finishing the previous test's writes (a notification's fan-out, a read-all): PostgreSQL
        // then ends one side of the clash with a deadlock error; deleting everything again is the same reset.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _respawner.ResetAsync(connection);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
            }
        }
    }

    /// <summary>The server this host's database is on: the run's shared one, unless a subclass starts its own (to stop it).</summary>
    protected virtual Task<PostgresServer> ServerAsync() => PostgresServer.SharedAsync();

    protected override async Task BeforeStartAsync()
    {
        var server = await ServerAsync();
        ConnectionString = await server.CreateDatabaseAsync();
        Configure("ConnectionStrings:Postgres", ConnectionString);
    }
}

/// <summary>Reaching into the app's database from a test: for arranging state and checking what was (not) stored.</summary>
public static class DatabaseAccess
{
    /// <summary>Runs <paramref name="action"/> with a fresh scope's database context.</summary>
    internal static async Task<T> WithDbAsync<T>(this BeaconHost host, Func<BeaconDbContext, Task<T>> action)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<BeaconDbContext>());
    }
}
