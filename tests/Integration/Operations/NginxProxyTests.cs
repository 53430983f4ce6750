using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// docker-compose.yml's shape without Docker: two Beacon processes sharing a real redis-server, with nginx in front
/// running the repository's <c>deploy/nginx/beacon.conf</c> (only the upstream addresses and the listen port
/// templated). Everything runs on free loopback ports under temp folders and is stopped on dispose.
/// </summary>
public sealed class NginxCluster : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("beacon-nginx-nodes-").FullName;

    public RedisServer Redis { get; private set; } = null!;

    public BeaconProcess A { get; private set; } = null!;

    public BeaconProcess B { get; private set; } = null!;

    public NginxServer Nginx { get; private set; } = null!;

    public string NodeA { get; } = Unique.Id("nginx-a");

    public string NodeB { get; } = Unique.Id("nginx-b");

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartNewAsync();
        var starting = new[] { StartNodeAsync(NodeA), StartNodeAsync(NodeB) };
        try
        {
            var nodes = await Task.WhenAll(starting);
            (A, B) = (nodes[0], nodes[1]);
        }
        catch
        {
            await Task.WhenAll(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.DisposeAsync().AsTask()));
            throw;
        }

        Nginx = await NginxServer.StartAsync([A.BaseAddress, B.BaseAddress]);
    }

    public async Task DisposeAsync()
    {
        // Every process this fixture started, whatever failed on the way.
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var node in new[] { A, B })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<BeaconProcess> StartNodeAsync(string nodeId) => BeaconProcess.StartAsync(
        ("ConnectionStrings:Redis", Redis.ConnectionString),
        ("ConnectionStrings:Postgres", ""),
        ("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(_data, nodeId + ".db")}"),
        ("Realtime:NodeId", nodeId),
        ("Realtime:NodeHeartbeatSeconds", "1"),
        // Every client reaches the nodes from nginx's address.
        ("RateLimiting:SseConnections:PermitLimit", "100000"),
        ("RateLimiting:Publish:PermitLimit", "100000"));
}

/// <summary>Runs with the serial (load) tests: the 1 s latency bound should not depend on what runs beside it.</summary>
[Collection(SerialCollection.Name)]
public sealed class NginxProxyTests(NginxCluster cluster) : IClassFixture<NginxCluster>
{
    private static readonly TimeSpan Unbuffered = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Streams_through_nginx_reach_both_nodes_and_a_published_event_arrives_within_a_second()
    {
        using var api = new HttpClient { BaseAddress = cluster.Nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var token = await PublisherTokenAsync(api);
        var user = Unique.Id("via-nginx");

        // least_conn: with the first stream open on one node, the second goes to the other.
        await using var first = await ConnectAsync(user);
        await using var second = await ConnectAsync(user);
        new[] { first.Connected.NodeId, second.Connected.NodeId }.ShouldBe([cluster.NodeA, cluster.NodeB], ignoreOrder: true, "nginx must spread the streams over both upstreams");

        foreach (var stream in new[] { first, second })
        {
            stream.Response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
            stream.Response.Content.Headers.ContentEncoding.ShouldBeEmpty("nginx must not compress event streams, though the client offers gzip");
        }

        // Warm each node's publish path (JIT, Redis script load) with an event nobody here receives, so the bound
        // below measures the proxy and delivery, not a cold start, and the measured event is the streams' first.
        foreach (var node in new[] { cluster.A, cluster.B })
        {
            using var direct = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await PublishAsync(direct, token, Unique.Id("warm-up"));
        }

        var clock = Stopwatch.StartNew();
        var id = await PublishAsync(api, token, user);
        var received = await Task.WhenAll(first.Events.WaitForIdAsync(id, Unbuffered), second.Events.WaitForIdAsync(id, Unbuffered));
        clock.Stop();

        clock.Elapsed.ShouldBeLessThan(Unbuffered, "publish → event through nginx must be immediate (unbuffered)");
        foreach (var stream in new[] { first, second })
        {
            stream.Events.WithIds.First().Id.ShouldBe(id, "the published event is the first event with an id on the stream");
        }

        received.ShouldAllBe(e => e.Type == "test.nginx");
    }

    [Fact]
    public async Task The_access_log_shows_both_upstreams_serving_streams_without_tokens()
    {
        using var api = new HttpClient { BaseAddress = cluster.Nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var user = Unique.Id("logged");
        var token = await TokenAsync(api, user, "user");

        // As EventSource does it: the token in the query string.
        await using (var first = await ConnectAsync(user, $"&access_token={token}"))
        await using (var second = await ConnectAsync(user, $"&access_token={token}"))
        {
            new[] { first.Connected.NodeId, second.Connected.NodeId }.ShouldBe([cluster.NodeA, cluster.NodeB], ignoreOrder: true);
        }

        // nginx writes a request's line when it ends: wait for both streams' lines.
        var upstreams = new[] { cluster.A.BaseAddress, cluster.B.BaseAddress }.Select(u => $"upstream={u.Host}:{u.Port}").ToArray();
        var logged = await Eventually.TrueAsync(
            () => Task.FromResult(upstreams.All(u => cluster.Nginx.AccessLog.Any(l => l.Contains("GET /api/sse ", StringComparison.Ordinal) && l.Contains(u, StringComparison.Ordinal)))),
            TimeSpan.FromSeconds(10));
        logged.ShouldBeTrue($"both upstreams should have served /api/sse. Access log:{Environment.NewLine}{string.Join(Environment.NewLine, cluster.Nginx.AccessLog)}");
        cluster.Nginx.AccessLog.ShouldAllBe(l => !l.Contains(token, StringComparison.Ordinal), "query strings (tokens) must stay out of the access log");
    }

    [Fact]
    public async Task The_websocket_fallback_upgrades_through_nginx_and_receives_events()
    {
        using var api = new HttpClient { BaseAddress = cluster.Nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var token = await PublisherTokenAsync(api);
        var user = Unique.Id("ws-via-nginx");
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(EventCollector.DefaultTimeout);
        await socket.ConnectAsync(new UriBuilder(cluster.Nginx.BaseAddress) { Scheme = "ws", Path = "api/ws", Query = $"userId={user}" }.Uri, deadline.Token);

        (await ReceiveAsync(socket, deadline.Token)).Type.ShouldBe("connected");
        var id = await PublishAsync(api, token, user);
        ReceivedEvent received;
        do
        {
            received = await ReceiveAsync(socket, deadline.Token);
        }
        while (received.Type == "ping");

        received.Id.ShouldBe(id);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", deadline.Token);
    }

    [Fact]
    public async Task Metrics_are_not_exposed_through_the_proxy()
    {
        using var api = new HttpClient { BaseAddress = cluster.Nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var path in new[] { "metrics", "Metrics", "METRICS", "metrics/", "%6Detrics" })
        {
            using var response = await api.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        (await api.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>
    /// Opens a stream through nginx as a browser's EventSource would (on its own connection, offering gzip), asserts
    /// 200 and waits for <c>connected</c>.
    /// </summary>
    private async Task<BrowserStream> ConnectAsync(string user, string query = "")
    {
        var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = cluster.Nginx.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        SharedClientStream? stream = null;
        try
        {
            stream = await SharedClientStream.OpenAsync(http, $"api/sse?userId={user}{query}", HttpVersion.Version11, headers =>
            {
                headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
                headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
            });
            stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(stream.Response));
            return new BrowserStream(stream, await stream.WaitForConnectedAsync(), http);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            http.Dispose();
            throw;
        }
    }

    private static async Task<ReceivedEvent> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        result.MessageType.ShouldBe(WebSocketMessageType.Text, $"closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
        return Fallbacks.FallbackClients.Parse(JsonDocument.Parse(message.ToArray()).RootElement);
    }

    private static Task<string> PublisherTokenAsync(HttpClient api) => TokenAsync(api, "nginx-publisher", "publisher");

    private static async Task<string> TokenAsync(HttpClient api, string userId, string role)
    {
        using var response = await api.PostAsJsonAsync("api/auth/dev-token", new { userId, roles = new[] { role } });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> PublishAsync(HttpClient api, string token, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { type = "test.nginx", data = new { user }, audience = new { users = new[] { user } } }, JsonSerializerOptions.Web),
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A stream with the client it owns.</summary>
    private sealed record BrowserStream(SharedClientStream Stream, ConnectedPayload Connected, HttpClient Http) : IAsyncDisposable
    {
        public EventCollector Events => Stream.Events;

        public HttpResponseMessage Response => Stream.Response;

        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync();
            Http.Dispose();
        }
    }
}
