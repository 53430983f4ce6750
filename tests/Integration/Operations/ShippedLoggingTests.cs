using System.Text.Json;

namespace Beacon.IntegrationTests.Operations;

/// <summary>The log levels Beacon.Web ships with in appsettings.json, copied next to the tests by the build.</summary>
public sealed class ShippedLoggingTests
{
    [Fact]
    public void Sql_commands_are_not_logged_at_information_by_default()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        File.Exists(path).ShouldBeTrue($"{path} should be copied from the Web project's build");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var levels = json.RootElement.GetProperty("Logging").GetProperty("LogLevel");

        // Otherwise every API request logs each of its SQL statements, several lines each, in every environment.
        levels.TryGetProperty("Microsoft.EntityFrameworkCore.Database.Command", out var level).ShouldBeTrue();
        level.GetString().ShouldBe("Warning");
    }
}
