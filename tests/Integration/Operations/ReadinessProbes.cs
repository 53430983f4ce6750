using System.Diagnostics;
using System.Net;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Operations;

/// <summary>What a load balancer's readiness probes must see through a dependency's outage, and after it.</summary>
internal static class ReadinessProbes
{
    /// <summary>A bound on behaviour (the probe does not wait on the dependency), far above a healthy probe's few milliseconds.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>Five probes, each a 503 within <see cref="Deadline"/>, and one health-check stack trace at most among <paramref name="errors"/>.</summary>
    public static async Task ShouldAnswer503QuicklyWithOneStackAtMostAsync(BeaconHost host, CapturedLogs errors, string dependency)
    {
        for (var probe = 1; probe <= 5; probe++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await host.Api.GetAsync("health/ready");
            var body = await response.Content.ReadAsStringAsync();
            watch.Stop();
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
            body.ShouldBe("Unhealthy");
            watch.Elapsed.ShouldBeLessThan(Deadline, $"probe {probe} waited on {dependency}");
        }

        // One stack for the outage at most, not one per probe: a stack trace is what "   at " frames look like.
        var stacks = errors.Lines.Where(l => l.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal) && l.Contains("\n   at ", StringComparison.Ordinal)).ToArray();
        stacks.Length.ShouldBeLessThanOrEqualTo(1, string.Join("\n----\n", stacks));
    }

    /// <summary>Readiness answers 200 again within 30 s of <paramref name="dependency"/> coming back.</summary>
    public static async Task ShouldBeReadyAgainAsync(BeaconHost host, string dependency)
    {
        var ready = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await host.Api.GetAsync("health/ready");
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        ready.ShouldBeTrue($"readiness never answered 200 after {dependency} came back");
    }
}
