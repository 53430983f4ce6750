using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.Operations;

public sealed class ReadinessTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Readiness_checks_the_database_and_hangfire_and_liveness_checks_nothing()
    {
        using var ready = await host.Api.GetAsync("health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
        (await host.Api.GetAsync("health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The checks behind readiness, as the system status route reports them.
        var token = await host.AdminTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/system/status");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var status = await host.Api.SendAsync(request);
        var body = await status.Content.ReadAsStringAsync();
        status.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldContain("hangfire");
        body.ShouldContain("database");
    }
}
