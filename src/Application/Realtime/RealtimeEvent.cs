using System.Text.Json;

namespace Beacon.Application.Realtime;

/// <summary>
/// A named event and its JSON payload, serialized once when created so every recipient on every node
/// shares the same bytes.
/// </summary>
public sealed class RealtimeEvent
{
    /// <summary>The serializer settings used for payloads: camelCase names, like any ASP.NET Core JSON API.</summary>
    public static readonly JsonSerializerOptions PayloadJsonOptions = new(JsonSerializerDefaults.Web)
    {
        // Payloads go to SSE and JSON clients, never into HTML, so non-ASCII text stays as published
        // instead of becoming \uXXXX escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private RealtimeEvent(string type, ReadOnlyMemory<byte> utf8Json)
    {
        Type = type;
        Utf8Json = utf8Json;
    }

    /// <summary>The event type name (the SSE <c>event:</c> field), e.g. <c>notification</c>.</summary>
    public string Type { get; }

    /// <summary>The payload as compact UTF-8 JSON: what a client reads from <c>data:</c>.</summary>
    public ReadOnlyMemory<byte> Utf8Json { get; }

    /// <summary>Creates an event whose payload is <paramref name="data"/> serialized as JSON.</summary>
    public static RealtimeEvent Create<T>(string type, T data) =>
        new(type, JsonSerializer.SerializeToUtf8Bytes(data, PayloadJsonOptions));

    /// <summary>Creates an event from an already-parsed JSON payload, normalised to compact form.</summary>
    public static RealtimeEvent FromJson(string type, JsonElement data) =>
        new(type, JsonSerializer.SerializeToUtf8Bytes(data, PayloadJsonOptions));

    /// <summary>Creates an event from payload bytes that are already compact UTF-8 JSON (e.g. read back from a bus).</summary>
    public static RealtimeEvent FromUtf8Json(string type, ReadOnlyMemory<byte> utf8Json) => new(type, utf8Json);
}
