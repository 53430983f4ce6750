using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>How to open a stream.</summary>
/// <param name="Token">Sent as <c>Authorization: Bearer</c>.</param>
/// <param name="LastEventId">Sent as the <c>Last-Event-ID</c> header.</param>
/// <param name="Read">false: open the stream but never read its body (a stalled client).</param>
/// <param name="KeepData">false: record only the size of payloads over 1 KB, to keep memory low with many clients and large payloads.</param>
/// <param name="ReceiveBufferBytes">A small socket receive buffer, so a stalled client backs up sooner.</param>
public sealed record SseOptions(
    string? Token = null,
    string? LastEventId = null,
    bool Read = true,
    bool KeepData = true,
    int? ReceiveBufferBytes = null);

/// <summary>
/// One SSE connection on its own <see cref="HttpClient"/> (so its socket is its own), read in the
/// background with <see cref="SseParser"/> into an <see cref="EventCollector"/>.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private int _disposed;

    private SseClient(HttpClient http, HttpResponseMessage response)
    {
        _http = http;
        Response = response;
    }

    /// <summary>The response; its headers are available as soon as the stream opened.</summary>
    public HttpResponseMessage Response { get; }

    /// <summary>What has been received.</summary>
    public EventCollector Events { get; } = new();

    /// <summary>The payload of the <c>connected</c> event (after <see cref="BeaconHostExtensions.ConnectAsync"/>).</summary>
    public ConnectedPayload Connected { get; private set; } = null!;

    /// <summary>This connection's client id, from its <c>connected</c> event.</summary>
    public string ClientId => Connected.ClientId;

    /// <summary>Sends <c>GET {pathAndQuery}</c> and returns once the response headers arrived, whatever the status.</summary>
    public static async Task<SseClient> OpenAsync(Uri baseAddress, string pathAndQuery, SseOptions? options = null)
    {
        options ??= new SseOptions();
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (options.ReceiveBufferBytes is { } receiveBuffer)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = receiveBuffer };
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
            };
        }

        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (options.Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            }

            if (options.LastEventId is not null)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", options.LastEventId);
            }

            using var timeout = new CancellationTokenSource(EventCollector.DefaultTimeout);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var client = new SseClient(http, response);
            if (options.Read && response.StatusCode == HttpStatusCode.OK)
            {
                client.ReadInBackground(options.KeepData);
            }

            return client;
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the <c>connected</c> event, which must be the first event of the stream.</summary>
    internal async Task<SseClient> WaitForConnectedAsync()
    {
        await Events.WaitForAsync(e => e.Count > 0, "the first event ('connected')");
        var first = Events.All[0];
        first.Type.ShouldBe("connected", $"the first event of the stream was {first}");
        Connected = JsonSerializer.Deserialize<ConnectedPayload>(first.Data, JsonSerializerOptions.Web)!;
        return this;
    }

    /// <summary>Starts reading a stream opened with <c>Read: false</c> (e.g. to see how a stalled client's stream ended).</summary>
    public void StartReading(bool keepData = true)
    {
        if (_reader != Task.CompletedTask)
        {
            throw new InvalidOperationException("Already reading.");
        }

        ReadInBackground(keepData);
    }

    private void ReadInBackground(bool keepData) => _reader = Task.Run(async () =>
    {
        try
        {
            await using var stream = await Response.Content.ReadAsStreamAsync(_stop.Token);
            var parser = SseParser.Create(stream, (_, data) => keepData || data.Length <= 1024 ? (Encoding.UTF8.GetString(data), data.Length) : (string.Empty, data.Length));
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                Events.Add(new ReceivedEvent(item.EventType, item.EventId, item.Data.Item1, item.Data.Item2));
            }

            Events.End(null);
        }
        catch (Exception e)
        {
            Events.End(e);
        }
    });

    /// <summary>Closes the connection (as a browser tab going away would).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        Response.Dispose();
        _http.Dispose();
        try
        {
            await _reader;
        }
        catch
        {
            // The reader records its own end; nothing to add here.
        }

        _stop.Dispose();
    }
}

/// <summary>The <c>connected</c> event's payload.</summary>
public sealed record ConnectedPayload(string ClientId, string? UserId, string NodeId, DateTimeOffset ServerTime, int HeartbeatSeconds);
