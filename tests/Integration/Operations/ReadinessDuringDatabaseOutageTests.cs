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
    [Fact]
    public async Task While_the_database_is_stopped_readiness_answers_503_quickly_with_one_stack_trace_at_most_and_200_once_it_is_back()
    {
        await ShouldBeReadyAsync();
        host.Errors.Clear();
        await host.Postgres.StopAsync();
        try
        {
            await ReadinessProbes.ShouldAnswer503QuicklyWithOneStackAtMostAsync(host, host.Errors, "the database");
        }
        finally
        {
            await host.Postgres.StartAsync();
        }

        await ReadinessProbes.ShouldBeReadyAgainAsync(host, "the database");
    }

    [Fact]
    public async Task While_the_database_does_not_answer_readiness_answers_503_quickly_with_one_stack_trace_at_most_and_200_once_it_answers()
    {
        await ShouldBeReadyAsync();
        host.Errors.Clear();
        await host.Postgres.FreezeAsync();
        try
        {
            await ReadinessProbes.ShouldAnswer503QuicklyWithOneStackAtMostAsync(host, host.Errors, "the database");
        }
        finally
        {
            await host.Postgres.ThawAsync();
        }

        await ReadinessProbes.ShouldBeReadyAgainAsync(host, "the database");
    }

    private async Task ShouldBeReadyAsync()
    {
        using var response = await host.Api.GetAsync("health/ready");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
