using System.Collections.Concurrent;
using Beacon.Application.Notifications;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Notifications;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Security;

/// <summary>
/// What a stream's request held when it arrived: its path and query (read then: a finished request's context must not
/// be touched), and weakly its context and its Authorization header's string, so a test can see them released.
/// </summary>
public sealed record CapturedStream(string Target, WeakReference<HttpContext> ContextReference, WeakReference<string>[] Credentials)
{
    /// <summary>The request's context, while something other than this record still holds it.</summary>
    public HttpContext Context => ContextReference.TryGetTarget(out var context) ? context : throw new InvalidOperationException("The request's context was collected.");

    /// <summary>
    /// The request's task as the rest of the pipeline returned it: set once that returns, which for a stream is after
    /// its first bytes went out (a client may have read them before).
    /// </summary>
    public TaskCompletionSource<Task> Request { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A Beacon that remembers every <c>/api/sse</c>, <c>/api/notifications/stream</c> and <c>/api/ws</c> request, to look at what a live stream keeps of it.</summary>
public class StreamRequestCapturingHost : BeaconHost
{
    public StreamRequestCapturingHost()
    {
    }

    protected StreamRequestCapturingHost(params (string Key, string Value)[] settings)
        : base(settings)
    {
    }

    public ConcurrentQueue<CapturedStream> Streams { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Capture(Streams)));
    }

    private sealed class Capture(ConcurrentQueue<CapturedStream> streams) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Before routing, so it also sees the short-circuited stream endpoint.
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path == "/api/sse" || context.Request.Path == "/api/ws" || context.Request.Path == "/api/notifications/stream")
                {
                    var target = context.Request.Path + context.Request.QueryString;
                    WeakReference<string>[] credentials = context.Request.Headers.Authorization is [{ } value] ? [new(value)] : [];
                    var captured = new CapturedStream(target, new WeakReference<HttpContext>(context), credentials);
                    streams.Enqueue(captured);
                    var request = nextMiddleware(context);
                    captured.Request.TrySetResult(request);
                    return request;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// A stream lives for hours: once it knows its caller, it must not keep the headers it arrived with, the bearer token
/// among them, nor the memory they take. An SSE stream on plain HTTP/1.1 keeps none of its request at all. (A token sent in the query stays referenced by Kestrel's HTTP/1.1
/// connection, which caches the request target for its next request; there is no public way to release it.)
/// </summary>
public sealed class StreamRequestHeadersTests(StreamRequestCapturingHost host) : IClassFixture<StreamRequestCapturingHost>
{
    [Fact]
    public async Task A_live_stream_keeps_none_of_its_request_headers_and_still_delivers()
    {
        var token = await host.TokenAsync("header-dropping-user", "user");

        // A position this history knows, so the missed event comes back as a replay. (A made-up id would be answered
        // with a reset, whose id is the head: the missed event's own id only when no other test has published yet.)
        var seen = await host.PublishAsync("system", new { message = "seen" }, Audiences.Users("header-dropping-user"));
        var missed = await host.PublishAsync("system", new { message = "before" }, Audiences.Users("header-dropping-user"));
        await using var stream = await host.ConnectAsync("device=header-probe", new SseOptions(Token: token, LastEventId: seen));
        stream.Connected.UserId.ShouldBe("header-dropping-user");

        // The bearer token and Last-Event-ID were read (the caller is known, the missed event replayed) and then let go.
        await stream.Events.WaitForIdAsync(missed);
        stream.Events.OfType("reset").ShouldBeEmpty();
        var captured = host.Streams.Single(c => c.Target == "/api/sse?device=header-probe");
        await ShouldBeReleasedAsync(captured);
        await ShouldBeUnreachableAsync(captured);

        var live = await host.PublishAsync("system", new { message = "after" }, Audiences.Users("header-dropping-user"));
        await stream.Events.WaitForIdAsync(live);
    }

    /// <summary>
    /// The notification stream runs through the same short-circuited pipeline as <c>/api/sse</c>: through the middleware
    /// pipeline it kept its headers (the bearer token among them), its principal, the bearer handler and each
    /// middleware's state, about 6 KB per stream more (bench/README.md, session 21).
    /// </summary>
    [Fact]
    public async Task A_live_notification_stream_keeps_none_of_its_request_headers_and_still_delivers()
    {
        var token = await host.TokenAsync("notification-header-user", "user");
        await using var stream = await host.OpenNotificationStreamAsync(token, "device=notification-header-probe");
        await stream.WaitForConnectedAsync();
        var first = await stream.Events.WaitForEventAsync(NotificationEventTypes.UnreadCount);

        var captured = host.Streams.Single(c => c.Target == "/api/notifications/stream?device=notification-header-probe");
        await ShouldBeReleasedAsync(captured);
        await ShouldBeUnreachableAsync(captured);

        await host.CreateNotificationAsync(["notification-header-user"], title: "after the headers went");
        await stream.Events.WaitForAsync(events => events.Any(e => e.Type == NotificationEventTypes.NewNotification), "the new notification");
        first.Json.GetProperty("count").GetInt32().ShouldBe(0);
    }

    /// <summary>
    /// The WebSocket transport runs through the same short-circuited pipeline too: through the middleware pipeline it
    /// kept its principal and each middleware's state for the socket's life (bench/README.md, session 22).
    /// </summary>
    [Fact]
    public async Task A_live_websocket_keeps_none_of_its_request_headers_and_still_delivers()
    {
        var token = await host.TokenAsync("ws-header-dropping-user", "user");
        await using var socket = await WsClient.ConnectAsync(host, "device=ws-header-probe", o => o.SetRequestHeader("Authorization", "Bearer " + token));

        // The handshake's 101 goes out before the server has finished starting the stream (and let go of what it read
        // to authenticate); an event that arrives live was sent by the running stream.
        var live = await host.PublishAsync("system", new { message = "live" }, Audiences.Users("ws-header-dropping-user"));
        await socket.Events.WaitForIdAsync(live);

        var captured = host.Streams.Single(c => c.Target == "/api/ws?device=ws-header-probe");
        captured.Context.Request.Headers.Count.ShouldBe(0, "still held: " + string.Join(", ", captured.Context.Request.Headers.Keys));
        captured.Context.User.Identity?.IsAuthenticated.ShouldNotBe(true, "the socket still holds the caller's principal");
        await ShouldBeUnreachableAsync(captured);

        var after = await host.PublishAsync("system", new { message = "after" }, Audiences.Users("ws-header-dropping-user"));
        await socket.Events.WaitForIdAsync(after);
    }

    /// <summary>
    /// A stream written to its socket sends its response headers itself (the client saw them: DirectSocketTests), then
    /// takes its connection over from Kestrel: the server keeps neither the request nor the response, headers included,
    /// for the life of the stream, also for a caller without a token.
    /// </summary>
    [Fact]
    public async Task A_live_stream_on_its_socket_leaves_no_request_or_response_with_the_server()
    {
        await using var stream = await host.ConnectAsync("userId=response-header-probe&device=response-header-probe");
        var captured = host.Streams.Single(c => c.Target == "/api/sse?userId=response-header-probe&device=response-header-probe");
        await ShouldBeReleasedAsync(captured);

        var live = await host.PublishAsync("system", new { message = "live" }, Audiences.Users("response-header-probe"));
        await stream.Events.WaitForIdAsync(live);
    }

    /// <summary>
    /// A started stream on plain HTTP/1.1 ends its request and Kestrel lets go of it, the request's context with its
    /// headers, principal and features: nothing of the request is reachable while the stream goes on.
    /// </summary>
    private static async Task ShouldBeReleasedAsync(CapturedStream captured)
    {
        var request = await captured.Request.Task.WaitAsync(TimeSpan.FromSeconds(10));
        (await Eventually.TrueAsync(() => Task.FromResult(request.IsCompleted))).ShouldBeTrue("the stream's request never ended");
        var released = await Eventually.TrueAsync(
            () =>
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                return Task.FromResult(!captured.ContextReference.TryGetTarget(out _));
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(50));
        released.ShouldBeTrue("the server still holds the stream's request context");
    }

    /// <summary>
    /// Not only hidden: nothing holds the strings that carried the credentials any more. Within a deadline, because
    /// a thread that handled the handshake can still reference its string for a moment after the stream is live
    /// (seen for 50-120 ms on a loaded machine); a stream that kept it would keep it for good.
    /// </summary>
    private static async Task ShouldBeUnreachableAsync(CapturedStream captured)
    {
        captured.Credentials.ShouldNotBeEmpty();
        if (await Eventually.TrueAsync(() => Task.FromResult(NoneReachable(captured)), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)))
        {
            return;
        }

        var held = captured.Credentials.Select(w => w.TryGetTarget(out var s) ? s : null).OfType<string>().ToArray();
        held.ShouldBeEmpty("the stream's request still references: " + string.Join(" | ", held));
    }

    private static bool NoneReachable(CapturedStream captured)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        return !captured.Credentials.Any(w => w.TryGetTarget(out _));
    }
}
