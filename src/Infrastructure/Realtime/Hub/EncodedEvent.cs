using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// An event as it travels through a node: its position, its audience and its SSE frame, encoded once
/// and shared by every recipient. Control frames (ping, reset) have <see cref="Sequence"/> 0.
/// </summary>
internal sealed class EncodedEvent
{
    private byte[]? _chunkedFrame;
    private byte[]? _jsonMessage;

    public EncodedEvent(string? id, long sequence, string type, ReadOnlyMemory<byte> payload, Audience audience, DateTimeOffset publishedAt, ReadOnlyMemory<byte> frame)
    {
        Id = id;
        Sequence = sequence;
        Type = type;
        Payload = payload;
        Audience = audience;
        PublishedAt = publishedAt;
        Frame = frame;
    }

    /// <summary>The id clients see; null for control frames.</summary>
    public string? Id { get; }

    /// <summary>The event's position, increasing in publish order; 0 for control frames.</summary>
    public long Sequence { get; }

    /// <summary>The event type name.</summary>
    public string Type { get; }

    /// <summary>The JSON payload (kept for transports other than SSE).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Who receives it.</summary>
    public Audience Audience { get; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset PublishedAt { get; }

    /// <summary>The complete SSE frame.</summary>
    public ReadOnlyMemory<byte> Frame { get; }

    /// <summary>
    /// <see cref="Frame"/> as an HTTP/1.1 chunk, built on first use and shared by every stream written straight to its
    /// socket: a broadcast's deliveries then send this one array each. Two threads may build it at once; both build
    /// the same bytes.
    /// </summary>
    public ReadOnlyMemory<byte> ChunkedFrame => _chunkedFrame ??= Sse.SseFrameEncoder.Chunk(Frame.Span);

    /// <summary>
    /// The event as the WebSocket transport sends it (<c>{"id", "type", "data"}</c>), built on first use and shared by
    /// every WebSocket that receives it, as <see cref="Frame"/> is by every stream. Two threads may build it at once;
    /// both build the same bytes.
    /// </summary>
    public byte[] JsonMessage => _jsonMessage ??= Fallbacks.JsonEventFrame.Encode(Id, Type, Payload.Span);

    /// <summary>The W3C <c>traceparent</c> of the publish span, so delivery joins the publisher's trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Creates an event frame.</summary>
    public static EncodedEvent Create(string id, long sequence, RealtimeEvent realtimeEvent, Audience audience, DateTimeOffset publishedAt, string? traceParent = null) =>
        new(id, sequence, realtimeEvent.Type, realtimeEvent.Utf8Json, audience, publishedAt,
            Sse.SseFrameEncoder.EncodeEvent(id, realtimeEvent.Type, realtimeEvent.Utf8Json.Span))
        {
            TraceParent = traceParent,
        };

    /// <summary>Wraps pre-built SSE bytes (e.g. a <c>retry:</c> hint) as a control frame.</summary>
    public static EncodedEvent Raw(byte[] frame) =>
        new(null, 0, string.Empty, ReadOnlyMemory<byte>.Empty, Audience.All, DateTimeOffset.UtcNow, frame);

    /// <summary>Creates a control frame (no position), e.g. a ping shared by every connection.</summary>
    public static EncodedEvent Control(string? id, RealtimeEvent realtimeEvent, DateTimeOffset at) =>
        new(id, 0, realtimeEvent.Type, realtimeEvent.Utf8Json, Audience.All, at,
            Sse.SseFrameEncoder.EncodeEvent(id, realtimeEvent.Type, realtimeEvent.Utf8Json.Span));
}
