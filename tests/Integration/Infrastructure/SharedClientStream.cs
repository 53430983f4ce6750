using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// An SSE stream on an <see cref="HttpClient"/> the caller owns and configures (HTTP version, decompression,
/// connection sharing), unlike <see cref="SseClient"/>, which owns one client per stream. Read in the background
/// into an <see cref="EventCollector"/>.
/// </summary>
public sealed class SharedClientStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    private SharedClientStream(HttpResponseMessage response) => Response = response;

    public HttpResponseMessage Response { get; }

    public EventCollector Events { get; } = new();

    /// <summary>
    /// Sends <c>GET {pathAndQuery}</c> with <c>Accept: text/event-stream</c> as <paramref name="version"/> (exactly),
    /// plus any <paramref name="headers"/>, and starts reading once the response headers arrived.
    /// </summary>
    public static async Task<SharedClientStream> OpenAsync(HttpClient http, string pathAndQuery, Version version, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery)
        {
            // A request message does not take the client's DefaultRequestVersion.
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        headers?.Invoke(request.Headers);
        using var timeout = new CancellationTokenSource(EventCollector.DefaultTimeout);
        var stream = new SharedClientStream(await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token));
        stream._reader = Task.Run(stream.ReadAsync);
        return stream;
    }

    /// <summary>Waits for the <c>connected</c> event and returns its payload.</summary>
    public async Task<ConnectedPayload> WaitForConnectedAsync()
    {
        var connected = await Events.WaitForEventAsync("connected");
        return JsonSerializer.Deserialize<ConnectedPayload>(connected.Data, JsonSerializerOptions.Web)!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Response.Dispose();
        try
        {
            await _reader;
        }
        catch
        {
            // The reader records its own end.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await Response.Content.ReadAsStreamAsync(_stop.Token);
            var parser = SseParser.Create(body, (_, data) => Encoding.UTF8.GetString(data));
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                Events.Add(new ReceivedEvent(item.EventType, item.EventId, item.Data, Encoding.UTF8.GetByteCount(item.Data)));
            }

            Events.End(null);
        }
        catch (Exception e)
        {
            Events.End(e);
        }
    }
}
