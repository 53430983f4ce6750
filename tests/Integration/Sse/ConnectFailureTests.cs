using System.Net;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.History;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// <c>GET /api/sse</c> runs outside the middleware pipeline, so its own error handling stands in for the exception
/// handler: a fault while opening a stream is a 500 problem, not a dropped connection, and leaves nothing behind.
/// </summary>
public sealed class ConnectFailureTests(ConnectFailureTests.FaultyHistoryHost host) : IClassFixture<ConnectFailureTests.FaultyHistoryHost>
{
    [Fact]
    public async Task A_fault_while_opening_a_stream_is_a_500_problem_and_registers_nothing()
    {
        var before = await host.GetStatsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/sse?userId=faulty");
        request.Headers.Add("Last-Event-ID", FaultyHistory.FaultyId);
        request.Headers.Add("Origin", "https://not-allowed.example");

        using var response = await host.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError);
        problem.GetProperty("status").GetInt32().ShouldBe(500);
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse("the origin is not on the allow-list");
        (await host.GetStatsAsync()).TotalClients.ShouldBe(before.TotalClients);

        // The node keeps serving: a stream that needs no history read opens.
        await using var stream = await host.ConnectAsync("userId=healthy");
        stream.ClientId.ShouldNotBeNullOrEmpty();
    }

    /// <summary>Beacon whose history fails resuming from <see cref="FaultyHistory.FaultyId"/> with an unexpected exception.</summary>
    public sealed class FaultyHistoryHost : BeaconHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IEventHistory>();
                services.AddSingleton<IEventHistory>(sp => new FaultyHistory(sp.GetRequiredService<InMemoryEventHistory>()));
            });
        }
    }

    private sealed class FaultyHistory(IEventHistory inner) : IEventHistory
    {
        public const string FaultyId = "fault-injected";

        public ValueTask<ReplayResult> ReadAfterAsync(string lastEventId, ConnectionScope scope, CancellationToken cancellationToken) =>
            lastEventId == FaultyId
                ? throw new InvalidOperationException("history fault injected by the test")
                : inner.ReadAfterAsync(lastEventId, scope, cancellationToken);

        public ValueTask<string?> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);
    }
}
