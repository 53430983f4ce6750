using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// The database Beacon was configured with, for the few statements that run on a plain connection rather than a
/// <c>DbContext</c>: the connection string EF Core's contexts use, and which provider it is for.
/// </summary>
/// <param name="Value">The connection string, as EF Core's contexts get it.</param>
/// <param name="IsPostgres"><see langword="true"/> for PostgreSQL; <see langword="false"/> for the SQLite file.</param>
internal sealed record DatabaseConnectionString(string Value, bool IsPostgres)
{
    /// <summary>
    /// A new, closed connection. Both providers pool by connection string, so opening it takes one from the pool EF
    /// Core's contexts use.
    /// </summary>
    public DbConnection CreateConnection() => IsPostgres ? new NpgsqlConnection(Value) : new SqliteConnection(Value);
}
