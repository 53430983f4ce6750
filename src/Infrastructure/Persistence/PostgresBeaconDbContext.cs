using Microsoft.EntityFrameworkCore;

namespace Beacon.Infrastructure.Persistence;

/// <summary>PostgreSQL, used when <c>ConnectionStrings:Postgres</c> is set. Migrations in Persistence/Migrations/Postgres.</summary>
internal sealed class PostgresBeaconDbContext(DbContextOptions<PostgresBeaconDbContext> options) : BeaconDbContext(options);
