using System.Diagnostics;
using System.Net;
using Beacon.IntegrationTests.Notifications;
using Beacon.IntegrationTests.Persistence;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// A load balancer probes readiness every few seconds. While the database is down, or up but not answering, each
/// probe must say "not ready" at once (not after the driver's 15 s connect timeout), must not add an error with a
/// stack trace to the log each time, and readiness must come back by itself with the database.
/// </summary>
public sealed class ReadinessDuringDatabaseOutageTests(OwnPostgresHost host) : IClassFixture<OwnPostgresHost>
{
    /// <summary>A bound on behaviour (the probe does not wait on the database), far above a healthy probe's few milliseconds.</summary>
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task While_the_database_is_stopped_readiness_answers_503_quickly_with_one_stack_trace_at_most_and_200_once_it_is_back()
    {
        await ShouldBeReadyAsync();
        host.Errors.Clear();
        await host.Postgres.StopAsync();
        try
        {
            await ProbesShouldAnswer503QuicklyWithOneStackAtMostAsync();
        }
        finally
        {
            await host.Postgres.StartAsync();
        }

        await ShouldBeReadyAgainAsync();
    }

    [Fact]
    public async Task While_the_database_does_not_answer_readiness_answers_503_quickly_with_one_stack_trace_at_most_and_200_once_it_answers()
    {
        await ShouldBeReadyAsync();
        host.Errors.Clear();
        await host.Postgres.FreezeAsync();
        try
        {
            await ProbesShouldAnswer503QuicklyWithOneStackAtMostAsync();
        }
        finally
        {
            await host.Postgres.ThawAsync();
        }

        await ShouldBeReadyAgainAsync();
    }

    private async Task ShouldBeReadyAsync()
    {
        using var response = await host.Api.GetAsync("health/ready");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task ProbesShouldAnswer503QuicklyWithOneStackAtMostAsync()
    {
        for (var probe = 1; probe <= 5; probe++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await host.Api.GetAsync("health/ready");
            var body = await response.Content.ReadAsStringAsync();
            watch.Stop();
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
            body.ShouldBe("Unhealthy");
            watch.Elapsed.ShouldBeLessThan(ProbeDeadline, $"probe {probe} waited on the database");
        }

        // One stack for the outage at most, not one per probe: a stack trace is what "   at " frames look like.
        var stacks = host.Errors.Lines.Where(l => l.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal) && l.Contains("\n   at ", StringComparison.Ordinal)).ToArray();
        stacks.Length.ShouldBeLessThanOrEqualTo(1, string.Join("\n----\n", stacks));
    }

    private async Task ShouldBeReadyAgainAsync()
    {
        var ready = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await host.Api.GetAsync("health/ready");
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        ready.ShouldBeTrue("readiness never answered 200 after the database came back");
    }
}
