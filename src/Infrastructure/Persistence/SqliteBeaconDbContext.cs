using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Beacon.Infrastructure.Persistence;

/// <summary>The embedded default: a SQLite file. Migrations in Persistence/Migrations/Sqlite.</summary>
internal sealed class SqliteBeaconDbContext(DbContextOptions<SqliteBeaconDbContext> options) : BeaconDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type: EF stores DateTimeOffset as text, which it cannot order or compare in SQL.
        // As a 64-bit number (ticks and offset) it can, and every value here is UTC, so the order is right.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
