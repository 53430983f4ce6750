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
    /// <summary>
    /// An SSE stream on plain HTTP/1.1 goes further: once started it takes its connection over, and its request is over
    /// (<c>StreamHandover</c>), so nothing of the request's pipeline is kept at all.
    /// </summary>
    [Fact]
    public async Task A_live_streams_request_is_over_once_the_stream_has_started()
    {
        await using var stream = await host.ConnectAsync("device=request-task-probe", new SseOptions(Token: UserToken("request-task-user")));
        stream.Connected.UserId.ShouldBe("request-task-user");

        var captured = host.Streams.Single(c => c.Target == "/api/sse?device=request-task-probe");
        var request = await captured.Request.Task.WaitAsync(TimeSpan.FromSeconds(10));
        (await Eventually.TrueAsync(() => Task.FromResult(request.IsCompleted))).ShouldBeTrue("the stream's request never ended");
        request.IsCompletedSuccessfully.ShouldBeTrue(request.Exception?.ToString());

        // And the stream still works: an event for its user arrives.
        await PublishToAsync("request-task-user");
        await stream.Events.WaitForAsync(events => events.Any(e => e.Type == "system"), "the live event");
    }

    [Fact]
    public async Task A_live_websockets_request_is_the_websocket_runners_own_task()
    {
        var token = UserToken("ws-request-task-user");
        await using var socket = await WsClient.ConnectAsync(host, "device=ws-request-task-probe", o => o.SetRequestHeader("Authorization", "Bearer " + token));

        await RequestTaskShouldBeAsync("/api/ws?device=ws-request-task-probe", "WebSocketStreamRunner+<RunAsync>");

        await PublishToAsync("ws-request-task-user");
        await socket.Events.WaitForAsync(events => events.Any(e => e.Type == "system"), "the live event");
    }

    private static string UserToken(string userId) => Tokens.Sign(ProductionStreamRequestCapturingHost.SigningKey, userId, ["user"]);

    /// <summary>The live request to <paramref name="target"/> is, still running, the state machine of <paramref name="method"/>.</summary>
    private async Task RequestTaskShouldBeAsync(string target, string method)
    {
        var captured = host.Streams.Single(c => c.Target == target);
        var request = await captured.Request.Task.WaitAsync(TimeSpan.FromSeconds(10));
        request.IsCompleted.ShouldBeFalse();
        (request.GetType().FullName ?? "").ShouldContain(method, Case.Sensitive, "the request's task is " + request.GetType());
    }

    private async Task PublishToAsync(string userId)
    {
        var publisher = Tokens.Sign(ProductionStreamRequestCapturingHost.SigningKey, "request-task-publisher", ["publisher"]);
        using var response = await host.PostEventAsync(new { type = "system", data = new { message = "live" }, audience = new { users = new[] { userId } } }, publisher);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }
}
