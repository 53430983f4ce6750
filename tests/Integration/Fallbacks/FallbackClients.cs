using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary>One long-poll answer: the events and the <c>X-Beacon-Cursor</c> to poll from next.</summary>
public sealed record PollAnswer(HttpStatusCode Status, IReadOnlyList<ReceivedEvent> Events, string? Cursor, string Body);

/// <summary>The fallback transports as a client uses them.</summary>
public static class FallbackClients
{
    /// <summary><c>GET /api/events?{query}</c> with the given after/wait.</summary>
    public static async Task<PollAnswer> PollAsync(this BeaconHost host, string query, string? after = null, int wait = 0, string? token = null)
    {
        var parts = new List<string>();
        if (query.Length > 0)
        {
            parts.Add(query);
        }

        if (after is not null)
        {
            parts.Add("after=" + Uri.EscapeDataString(after));
        }

        parts.Add($"wait={wait}");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events?" + string.Join("&", parts));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await host.Api.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var cursor = response.Headers.TryGetValues("X-Beacon-Cursor", out var values) ? values.Single() : null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new PollAnswer(response.StatusCode, [], cursor, body);
        }

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var events = JsonDocument.Parse(body).RootElement.EnumerateArray().Select(Parse).ToArray();
        return new PollAnswer(response.StatusCode, events, cursor, body);
    }

    /// <summary>An event as the fallbacks encode it: <c>{id, type, data}</c>.</summary>
    internal static ReceivedEvent Parse(JsonElement frame)
    {
        var id = frame.GetProperty("id");
        var data = frame.GetProperty("data").GetRawText();
        return new ReceivedEvent(frame.GetProperty("type").GetString()!, id.ValueKind == JsonValueKind.Null ? null : id.GetString(), data, Encoding.UTF8.GetByteCount(data));
    }
}

/// <summary>A <c>/api/ws</c> connection read in the background into an <see cref="EventCollector"/>.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private WsClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public EventCollector Events { get; } = new();

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects to <c>/api/ws?{query}</c> (with <paramref name="configure"/>'s headers, if any) and waits for <c>connected</c>.</summary>
    public static async Task<WsClient> ConnectAsync(BeaconHost host, string query, Action<ClientWebSocketOptions>? configure = null)
    {
        var uri = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "api/ws", Query = query }.Uri;
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(EventCollector.DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        var client = new WsClient(socket);
        await client.Events.WaitForAsync(e => e.Count > 0, "the first message ('connected')");
        client.Events.All[0].Type.ShouldBe("connected");
        return client;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Answer the server's close, as a browser does.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    Events.End(null);
                    return;
                }

                Events.Add(FallbackClients.Parse(JsonDocument.Parse(message.ToArray()).RootElement));
            }
        }
        catch (Exception e)
        {
            Events.End(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch
        {
            // The reader records its own end.
        }

        _socket.Dispose();
        _stop.Dispose();
    }
}
