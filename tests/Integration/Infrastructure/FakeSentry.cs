using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in for sentry.io on a loopback port: accepts envelopes at <c>/api/{project}/envelope/</c> and keeps
/// the event items, so a test can assert what a Beacon configured with <see cref="Dsn"/> reported.
/// </summary>
public sealed class FakeSentry : IAsyncDisposable
{
    private readonly ConcurrentQueue<JsonElement> _events = new();

    private int _requests;

    private WebApplication _app = null!;

    /// <summary>The DSN to configure (<c>Sentry:Dsn</c>); project 42.</summary>
    public string Dsn { get; private set; } = null!;

    /// <summary>Every envelope request received, events or not (sessions, client reports).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The event payloads received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Events => [.. _events];

    public static async Task<FakeSentry> StartAsync()
    {
        var fake = new FakeSentry();
        (fake._app, var port) = await LoopbackApp.StartAsync(app => app.MapPost("/api/{project}/envelope/", (Delegate)fake.ReceiveAsync));
        fake.Dsn = $"http://fakepublickey@127.0.0.1:{port}/42";
        return fake;
    }

    /// <summary>Waits for an event matching <paramref name="match"/>, failing with what arrived instead.</summary>
    public async Task<JsonElement> WaitForEventAsync(Func<JsonElement, bool> match, string what, TimeSpan? within = null)
    {
        JsonElement found = default;
        var arrived = await Eventually.TrueAsync(
            () =>
            {
                var hit = Events.Where(match).Take(1).ToArray();
                if (hit.Length == 1)
                {
                    found = hit[0];
                }

                return Task.FromResult(hit.Length == 1);
            },
            within ?? TimeSpan.FromSeconds(15));
        arrived.ShouldBeTrue($"Sentry never received {what}. Received {Events.Count} event(s): {string.Join(" | ", Events.Select(Describe))}");
        return found;
    }

    /// <summary>The exception types of an event, outermost last (Sentry's order).</summary>
    public static IReadOnlyList<string> ExceptionTypes(JsonElement sentryEvent) =>
        sentryEvent.TryGetProperty("exception", out var exception) && exception.TryGetProperty("values", out var values)
            ? values.EnumerateArray().Select(v => v.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "").ToArray()
            : [];

    /// <summary>A tag's value, or null.</summary>
    public static string? Tag(JsonElement sentryEvent, string name) =>
        sentryEvent.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(name, out var value)
            ? value.GetString()
            : null;

    /// <summary>A top-level string property (environment, release, ...), or null.</summary>
    public static string? String(JsonElement sentryEvent, string name) =>
        sentryEvent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Describe(JsonElement e) =>
        $"{String(e, "logger")} {string.Join(">", ExceptionTypes(e))} '{(e.TryGetProperty("message", out var m) ? m.ToString() : "")}' tags={(e.TryGetProperty("tags", out var t) ? t.ToString() : "")}";

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        Stream body = context.Request.Body;
        if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, context.RequestAborted);
        foreach (var item in Items(buffer.ToArray()))
        {
            if (item.Type == "event")
            {
                _events.Enqueue(JsonDocument.Parse(item.Payload).RootElement.Clone());
            }
        }

        return Results.Ok(new { id = Guid.NewGuid().ToString("N") });
    }

    /// <summary>Splits an envelope: a header line, then (item header line, payload) pairs; a payload is <c>length</c> bytes or one line.</summary>
    private static IEnumerable<(string Type, byte[] Payload)> Items(byte[] envelope)
    {
        var position = NextLine(envelope, 0, out _);
        while (position < envelope.Length)
        {
            var afterHeader = NextLine(envelope, position, out var headerLine);
            if (headerLine.Length == 0)
            {
                position = afterHeader;
                continue;
            }

            using var header = JsonDocument.Parse(headerLine);
            var type = header.RootElement.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            byte[] payload;
            if (header.RootElement.TryGetProperty("length", out var length))
            {
                payload = envelope.AsSpan(afterHeader, length.GetInt32()).ToArray();
                position = Math.Min(envelope.Length, afterHeader + payload.Length + 1);
            }
            else
            {
                position = NextLine(envelope, afterHeader, out payload);
            }

            yield return (type, payload);
        }
    }

    private static int NextLine(byte[] data, int start, out byte[] line)
    {
        var end = Array.IndexOf(data, (byte)'\n', start);
        if (end < 0)
        {
            end = data.Length;
        }

        line = data.AsSpan(start, end - start).ToArray();
        return end + 1;
    }

    /// <summary>For assertion messages.</summary>
    public override string ToString() => $"{Requests} request(s), events: " + string.Join(" | ", Events.Select(Describe));
}
