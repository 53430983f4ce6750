using Npgsql;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// A PostgreSQL session advisory lock held around a whole migration run, so that nodes starting at once migrate one
/// after the other. EF Core's own lock (<c>LOCK TABLE "__EFMigrationsHistory"</c>) lasts one migration's
/// transaction, and a node that read the pending list before another applied some of it then applied them again
/// ("relation … already exists") and stopped.
/// </summary>
internal sealed class PostgresMigrationLock : IAsyncDisposable
{
    /// <summary>The lock's key, the same on every node: 0x6265_6163_6f6e ("beacon").</summary>
    private const long Key = 0x6265_6163_6f6e;

    private readonly NpgsqlConnection _connection;

    private PostgresMigrationLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Waits until no other node migrates the database of <paramref name="connectionString"/>, then holds it.</summary>
    public static async Task<PostgresMigrationLock> AcquireAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Not pooled: closing the connection ends the session, and so releases the lock even if the unlock is never sent.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("key", Key);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PostgresMigrationLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Releases the lock by ending its session.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
