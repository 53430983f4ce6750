using System.Net;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Beacon.IntegrationTests.Security;

/// <summary>
/// A <see cref="StreamRequestCapturingHost"/> in Production, as deployed: no developer exception page around every
/// request. Its tokens are signed here (no dev-token endpoint).
/// </summary>
public sealed class ProductionStreamRequestCapturingHost() : StreamRequestCapturingHost(("Auth:SigningKey", SigningKey))
{
    public const string SigningKey = "stream-request-task-tests-signing-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>
/// Nothing between Kestrel and a stream awaits it: the request's task is the stream runner's own, so neither the
/// connect pipeline nor a middleware keeps a state machine of its own alive for as long as the stream lasts (the
/// pipeline's was about 200 B per connection, and a WebSocket's send loop and route another 360 B, bench/README.md,
/// session 23).
/// </summary>
public sealed class StreamRequestTaskTests(ProductionStreamRequestCapturingHost host) : IClassFixture<ProductionStreamRequestCapturingHost>
{
    [Fact]
    public async Task A_live_streams_request_is_the_stream_runners_own_task()
    {
        var token = Tokens.Sign(ProductionStreamRequestCapturingHost.SigningKey, "request-task-user", ["user"]);
        await using var stream = await host.ConnectAsync("device=request-task-probe", new SseOptions(Token: token));
        stream.Connected.UserId.ShouldBe("request-task-user");

        var captured = host.Streams.Single(c => c.Target == "/api/sse?device=request-task-probe");
        var request = await captured.Request.Task.WaitAsync(TimeSpan.FromSeconds(10));
        request.IsCompleted.ShouldBeFalse();
        (request.GetType().FullName ?? "").ShouldContain("SseStreamRunner+<RunAsync>", Case.Sensitive, "the request's task is " + request.GetType());

        // And the stream still works: an event for its user arrives.
        var publisher = Tokens.Sign(ProductionStreamRequestCapturingHost.SigningKey, "request-task-publisher", ["publisher"]);
        using var response = await host.PostEventAsync(new { type = "system", data = new { message = "live" }, audience = new { users = new[] { "request-task-user" } } }, publisher);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await stream.Events.WaitForAsync(events => events.Any(e => e.Type == "system"), "the live event");
    }

    [Fact]
    public async Task A_live_websockets_request_is_the_websocket_runners_own_task()
    {
        var token = Tokens.Sign(ProductionStreamRequestCapturingHost.SigningKey, "ws-request-task-user", ["user"]);
        await using var socket = await WsClient.ConnectAsync(host, "device=ws-request-task-probe", o => o.SetRequestHeader("Authorization", "Bearer " + token));

        var captured = host.Streams.Single(c => c.Target == "/api/ws?device=ws-request-task-probe");
        var request = await captured.Request.Task.WaitAsync(TimeSpan.FromSeconds(10));
        request.IsCompleted.ShouldBeFalse();
        (request.GetType().FullName ?? "").ShouldContain("WebSocketStreamRunner+<RunAsync>", Case.Sensitive, "the request's task is " + request.GetType());

        var publisher = Tokens.Sign(ProductionStreamRequestCapturingHost.SigningKey, "ws-request-task-publisher", ["publisher"]);
        using var response = await host.PostEventAsync(new { type = "system", data = new { message = "live" }, audience = new { users = new[] { "ws-request-task-user" } } }, publisher);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await socket.Events.WaitForAsync(events => events.Any(e => e.Type == "system"), "the live event");
    }
}
