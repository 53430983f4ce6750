using Beacon.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Beacon.IntegrationTests.Persistence;

/// <summary>
/// Several nodes started at once on a PostgreSQL database that is empty (compose's first start) or does not exist yet
/// (a fresh server): configuration.md promises that is safe, so none of them may fail to start.
/// </summary>
public sealed class ConcurrentMigrationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Nodes_starting_at_once_all_migrate_the_database_and_start(bool databaseExists)
    {
        var server = await PostgresServer.SharedAsync();
        var database = $"beacon_fresh_{Guid.NewGuid():N}"[..30];
        var connectionString = server.ConnectionString(database);
        var nodes = Enumerable.Range(0, 4).Select(_ => Node(connectionString)).ToArray();
        try
        {
            if (databaseExists)
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString());
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            await Task.WhenAll(nodes.Select(node => Task.Run(() => Migrator(node).StartAsync(CancellationToken.None))));

            await using var scope = nodes[0].CreateAsyncScope();
            var pending = await scope.ServiceProvider.GetRequiredService<BeaconDbContext>().Database.GetPendingMigrationsAsync();
            pending.ShouldBeEmpty();
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server.ConnectionString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>What one node's migrator needs: the PostgreSQL context on the shared connection string.</summary>
    private static ServiceProvider Node(string connectionString) =>
        new ServiceCollection()
            .AddDbContext<BeaconDbContext, PostgresBeaconDbContext>(db => db.UseNpgsql(connectionString))
            .BuildServiceProvider();

    private static DatabaseMigrator Migrator(ServiceProvider node) =>
        new(node.GetRequiredService<IServiceScopeFactory>(), Options.Create(new DatabaseOptions()), NullLogger<DatabaseMigrator>.Instance);
}
