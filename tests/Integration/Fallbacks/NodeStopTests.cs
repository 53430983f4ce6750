using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary>
/// A node that starts stopping ends the fallback transports' connections at once, as it ends SSE streams
/// (<see cref="ScaleOut.GracefulShutdownTests"/>): nothing waits for the host's shutdown timeout. Each test stops a
/// host of its own.
/// </summary>
public sealed class NodeStopTests
{
    [Fact]
    public async Task A_waiting_long_poll_is_answered_when_the_node_starts_stopping()
    {
        await using var host = await StartAsync();
        var user = Unique.Id("stop-poll");
        var start = await host.PollAsync(Query.User(user));
        var clock = Stopwatch.StartNew();
        var polling = host.PollAsync(Query.User(user), after: start.Cursor, wait: 25);
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the poll waiting");

        StopApplication(host);
        var answer = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        answer.Status.ShouldBe(HttpStatusCode.OK, answer.Body);
        answer.Events.ShouldBeEmpty();
        answer.Cursor.ShouldBe(start.Cursor);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "answered by the stop, not by the end of its 25 s wait");
    }

    [Fact]
    public async Task A_websocket_is_closed_as_endpoint_unavailable_when_the_node_starts_stopping()
    {
        await using var host = await StartAsync();
        var user = Unique.Id("stop-ws");
        await using var socket = await WsClient.ConnectAsync(host, Query.User(user));
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the socket registered");

        StopApplication(host);
        await socket.Events.WaitForEndAsync(TimeSpan.FromSeconds(15));

        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        socket.Events.All.Select(e => e.Type).ShouldBe(["connected"], "the SSE retry hint is not sent over the socket");
    }

    private static async Task<BeaconHost> StartAsync()
    {
        var host = new BeaconHost();
        await ((IAsyncLifetime)host).InitializeAsync();
        return host;
    }

    /// <summary>What SIGTERM does first: the stopping token fires, and the server goes on serving until the host stops it.</summary>
    private static void StopApplication(BeaconHost host) => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
}
