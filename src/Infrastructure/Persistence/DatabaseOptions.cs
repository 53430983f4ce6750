namespace Beacon.Infrastructure.Persistence;

/// <summary>The <c>Database</c> configuration section. Documented in docs/configuration.md.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Database";

    /// <summary>The SQLite file of the embedded default, relative to the content root.</summary>
    public string SqlitePath { get; set; } = Path.Combine("App_Data", "beacon.db");

    /// <summary>Apply pending migrations when the app starts (creating the database if needed).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
