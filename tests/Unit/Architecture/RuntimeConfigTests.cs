using System.Text.Json;

namespace Beacon.UnitTests.Architecture;

/// <summary>The runtime settings Beacon.Web ships with: its runtimeconfig.json, copied next to the tests by the build.</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Beacon_runs_on_workstation_gc_with_gen0_budget_capped_at_8_mb()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Beacon.Web.runtimeconfig.json");
        File.Exists(path).ShouldBeTrue($"{path} should be copied from the Web project's build");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        // Both are latency settings measured in bench/README.md; a change to either needs a new measurement.
        properties.GetProperty("System.GC.Server").GetBoolean().ShouldBeFalse();
        properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64().ShouldBe(8L * 1024 * 1024);
    }
}
