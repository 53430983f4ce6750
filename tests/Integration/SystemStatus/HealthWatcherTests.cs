using Beacon.IntegrationTests.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Beacon.IntegrationTests.SystemStatus;

/// <summary>A host with one extra component whose health the test switches, checked every second.</summary>
public sealed class SwitchableHealthHost() : BeaconHost(("SystemStatus:WatchHealth", "true"), ("SystemStatus:PollIntervalSeconds", "1"))
{
    private volatile int _state = (int)HealthStatus.Healthy;

    public HealthStatus State
    {
        get => (HealthStatus)_state;
        set => _state = (int)value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddHealthChecks()
            .AddCheck("payments", () => new HealthCheckResult(State, "the test's switch")));
    }
}

/// <summary>A change in a component's health is announced to everyone as <c>system</c>, and shows in the status.</summary>
public sealed class HealthWatcherTests(SwitchableHealthHost host) : IClassFixture<SwitchableHealthHost>
{
    [Fact]
    public async Task A_component_going_down_and_recovering_emits_system_events()
    {
        await using var stream = await host.ConnectAsync();

        host.State = HealthStatus.Unhealthy;
        var down = await stream.Events.WaitForEventAsync("system", e => e.Str("component") == "payments");
        var status = await host.AsUserAsync(Unique.Id("alice"), HttpMethod.Get, "api/system/status");
        host.State = HealthStatus.Healthy;
        var up = await stream.Events.WaitForEventAsync("system", e => e.Str("component") == "payments" && e.Str("status") == "healthy");

        down.Str("category").ShouldBe("health");
        down.Str("status").ShouldBe("unhealthy");
        down.Str("previousStatus").ShouldBe("healthy");
        down.Str("level").ShouldBe("critical");
        status.GetProperty("status").GetString().ShouldBe("unhealthy");
        up.Str("previousStatus").ShouldBe("unhealthy");
        up.Str("level").ShouldBe("info");
        stream.Events.OfType("system").Count.ShouldBe(2, "one event per change, not one per check");
    }
}
