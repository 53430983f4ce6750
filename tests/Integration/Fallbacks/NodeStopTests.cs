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
    public Task A_waiting_long_poll_is_answered_when_the_node_starts_stopping() => new BeaconHost().RunOwnAsync(async host =>
    {
        var user = Unique.Id("stop-poll");
        var start = await host.PollAsync(Query.User(user));
        var clock = Stopwatch.StartNew();
        var polling = host.PollAsync(Query.User(user), after: start.Cursor, wait: 25);
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the poll waiting");

        StopApplication(host);
        var answer = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        answer.Status.ShouldBe(HttpStatusCode.OK, answer.Body);
        // Only the stop's hint: when to come back, spread over the window like the streams' (no id: not a position).
        var shutdown = answer.Events.ShouldHaveSingleItem();
        shutdown.Type.ShouldBe("shutdown");
        shutdown.Id.ShouldBeNull();
        shutdown.Json.GetProperty("retryMs").GetInt32().ShouldBeInRange(500, 5000);
        answer.Cursor.ShouldBe(start.Cursor);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "answered by the stop, not by the end of its 25 s wait");
    });

    [Fact]
    public Task A_websocket_is_closed_as_endpoint_unavailable_when_the_node_starts_stopping() => new BeaconHost().RunOwnAsync(async host =>
    {
        var user = Unique.Id("stop-ws");
        await using var socket = await WsClient.ConnectAsync(host, Query.User(user));
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the socket registered");

        StopApplication(host);
        await socket.Events.WaitForEndAsync(TimeSpan.FromSeconds(15));

        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        // The SSE retry hint is not sent over the socket: every message is an event (heartbeats come once a second
        // here), the last one the shutdown hint with the delay to wait before reconnecting.
        socket.Events.EndError.ShouldBeNull();
        var events = socket.Events.All;
        events.SkipLast(1).Select(e => e.Type).ShouldAllBe(type => type == "connected" || type == "ping");
        events[^1].Type.ShouldBe("shutdown");
        events[^1].Id.ShouldBeNull();
        events[^1].Json.GetProperty("retryMs").GetInt32().ShouldBeInRange(500, 5000);
    });

    /// <summary>What SIGTERM does: the stopping token fires (its callbacks run before this returns), then the host stops the server.</summary>
    private static void StopApplication(BeaconHost host) => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
}
