using System.Buffers;
using System.Text.Json;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Fallbacks;

/// <summary>
/// An event as the fallback transports carry it: <c>{"id": "...", "type": "...", "data": ...}</c>, with the
/// same id as on the SSE stream (null for <c>connected</c>, <c>ping</c>, <c>token_expired</c>) and the payload
/// exactly as published.
/// </summary>
internal static class JsonEventFrame
{
    /// <summary>Writes one event object.</summary>
    public static void Write(Utf8JsonWriter writer, string? id, string type, ReadOnlySpan<byte> utf8Json)
    {
        writer.WriteStartObject();
        if (id is null)
        {
            writer.WriteNull("id");
        }
        else
        {
            writer.WriteString("id", id);
        }

        writer.WriteString("type", type);
        writer.WritePropertyName("data");
        writer.WriteRawValue(utf8Json.IsEmpty ? "null"u8 : utf8Json, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>One event as a standalone UTF-8 JSON message (a WebSocket text frame).</summary>
    public static byte[] Encode(string? id, string type, ReadOnlySpan<byte> utf8Json)
    {
        var buffer = new ArrayBufferWriter<byte>(utf8Json.Length + 96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, id, type, utf8Json);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An event from the hub as a standalone message.</summary>
    public static byte[] Encode(EncodedEvent encoded) => Encode(encoded.Id, encoded.Type, encoded.Payload.Span);

    /// <summary>Events as a JSON array (the long-poll body).</summary>
    public static byte[] EncodeArray(IReadOnlyList<PolledEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + events.Sum(e => e.Payload.Length + 96));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                Write(writer, e.Id, e.Type, e.Payload.Span);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>One event in a long-poll answer.</summary>
/// <param name="Id">The event id; null for <c>token_expired</c>.</param>
/// <param name="Type">The event type.</param>
/// <param name="Payload">The JSON payload as published.</param>
internal sealed record PolledEvent(string? Id, string Type, ReadOnlyMemory<byte> Payload);
