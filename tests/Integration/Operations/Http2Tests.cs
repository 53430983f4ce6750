using System.Net;
using System.Net.Sockets;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// A Beacon with the documented h2c endpoint (docs/operations.md, "TLS and HTTP/2"): besides the test's HTTP/1.1
/// loopback port, <c>Kestrel:Endpoints:H2c</c> with <c>Protocols: Http2</c> serves HTTP/2 over cleartext with prior
/// knowledge. (An <c>Http1AndHttp2</c> endpoint negotiates HTTP/2 only through TLS ALPN; without TLS it is HTTP/1.1.)
/// </summary>
public sealed class H2cHost : BeaconHost
{
    private static readonly int Port = RedisServer.FreePort();

    public H2cHost()
        : base(
            ("Kestrel:Endpoints:H2c:Url", $"http://127.0.0.1:{Port}"),
            ("Kestrel:Endpoints:H2c:Protocols", "Http2"),
            ("Realtime:MaxClients", "1000"))
    {
    }

    /// <summary>The h2c endpoint.</summary>
    public Uri H2cAddress { get; } = new($"http://127.0.0.1:{Port}/");
}

public sealed class Http2Tests(H2cHost host) : IClassFixture<H2cHost>
{
    private const int Streams = 50;

    [Fact]
    public async Task Fifty_streams_share_one_http2_connection_and_all_receive_a_broadcast()
    {
        var connectionsOpened = 0;
        using var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = async (context, ct) =>
            {
                Interlocked.Increment(ref connectionsOpened);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler)
        {
            BaseAddress = host.H2cAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var user = Unique.Id("h2");
        var streams = await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => SharedClientStream.OpenAsync(http, $"api/sse?userId={user}-{i}", HttpVersion.Version20)));
        try
        {
            foreach (var stream in streams)
            {
                stream.Response.Version.ShouldBe(HttpVersion.Version20);
                stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
                stream.Response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
            }

            // The first bytes are flushed on HTTP/2 too: every stream has its `connected` event.
            await Task.WhenAll(streams.Select(s => s.Events.WaitForEventAsync("connected")));

            var id = await host.PublishAsync("test.h2", new { n = 1 }, Audiences.All);
            await Task.WhenAll(streams.Select(s => s.Events.WaitForIdAsync(id)));

            connectionsOpened.ShouldBe(1, "all 50 streams must be multiplexed over one HTTP/2 connection");
            (await host.GetStatsAsync()).ClientsByUser.Keys.Count(k => k.StartsWith(user, StringComparison.Ordinal)).ShouldBe(Streams);
        }
        finally
        {
            await Task.WhenAll(streams.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task The_main_endpoint_still_serves_http11_streams()
    {
        await using var client = await host.ConnectAsync($"userId={Unique.Id("h1")}");
        client.Response.Version.ShouldBe(HttpVersion.Version11);
    }
}
