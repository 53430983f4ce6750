using System.Collections.Concurrent;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Security;

/// <summary>
/// A Beacon that remembers the <see cref="HttpContext"/> of every <c>GET /api/sse</c>, and weakly the string of its
/// <c>Authorization</c> header, to look at what a live stream keeps.
/// </summary>
public sealed class StreamRequestCapturingHost : BeaconHost
{
    public ConcurrentQueue<(HttpContext Context, WeakReference<string>? Authorization)> Streams { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Capture(Streams)));
    }

    private sealed class Capture(ConcurrentQueue<(HttpContext, WeakReference<string>?)> streams) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Before routing, so it also sees the short-circuited stream endpoint.
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path == "/api/sse")
                {
                    streams.Enqueue((context, context.Request.Headers.Authorization is [{ } value] ? new WeakReference<string>(value) : null));
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public sealed class StreamRequestHeadersTests(StreamRequestCapturingHost host) : IClassFixture<StreamRequestCapturingHost>
{
    [Fact]
    public async Task A_live_stream_keeps_none_of_its_request_headers_and_still_delivers()
    {
        var token = await host.TokenAsync("header-dropping-user", "user");
        var missed = await host.PublishAsync("system", new { message = "before" }, Audiences.Users("header-dropping-user"));
        await using var stream = await host.ConnectAsync("device=header-probe", new SseOptions(Token: token, LastEventId: "0"));
        stream.Connected.UserId.ShouldBe("header-dropping-user");

        // The bearer token and Last-Event-ID were read (the caller is known, the missed event replayed) and then let go.
        await stream.Events.WaitForIdAsync(missed);
        var (context, authorization) = host.Streams.Single(c => c.Context.Request.QueryString.Value == "?device=header-probe");
        context.Request.Headers.Count.ShouldBe(0, "still held: " + string.Join(", ", context.Request.Headers.Keys));

        // Not only hidden: nothing holds the header's string any more (Kestrel's string reuse would keep it).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        authorization.ShouldNotBeNull();
        authorization.TryGetTarget(out _).ShouldBeFalse("the stream's request still references its bearer token");

        var live = await host.PublishAsync("system", new { message = "after" }, Audiences.Users("header-dropping-user"));
        await stream.Events.WaitForIdAsync(live);
    }
}
