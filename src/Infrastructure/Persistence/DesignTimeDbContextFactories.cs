using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Lets <c>dotnet tool run dotnet-ef migrations add</c> build the SQLite context without starting the app
/// (see docs/configuration.md, "Database"). The connection string is never opened to add a migration.
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBeaconDbContext>
{
    public SqliteBeaconDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBeaconDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>The PostgreSQL counterpart of <see cref="SqliteDesignTimeFactory"/>.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBeaconDbContext>
{
    public PostgresBeaconDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBeaconDbContext>().UseNpgsql("Host=localhost;Database=beacon_design").Options);
}
