using System.Buffers;
using System.Globalization;
using System.Text;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Builds SSE frames as bytes, once per event, following the WHATWG event-stream format. Written by hand
/// rather than with <c>SseFormatter</c> because the hot path needs one encoding shared by every recipient.
/// </summary>
internal static class SseFrameEncoder
{
    private static ReadOnlySpan<byte> IdField => "id: "u8;
    private static ReadOnlySpan<byte> EventField => "event: "u8;
    private static ReadOnlySpan<byte> DataField => "data: "u8;

    /// <summary>
    /// Encodes an event. Every line of <paramref name="utf8Data"/> (split on CRLF, CR or LF) becomes its own
    /// <c>data:</c> line, so a client reassembles the payload exactly.
    /// </summary>
    public static byte[] EncodeEvent(string? id, string type, ReadOnlySpan<byte> utf8Data)
    {
        var buffer = new ArrayBufferWriter<byte>(utf8Data.Length + type.Length + (id?.Length ?? 0) + 32);
        WriteEvent(buffer, id, type, utf8Data);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes the frame <see cref="EncodeEvent"/> returns straight into <paramref name="writer"/>, for a frame only
    /// one stream sends (its <c>connected</c> event, say), which would otherwise be encoded into an array only to be
    /// copied. The id and type are checked before anything is written, so a bad one leaves the writer untouched.
    /// </summary>
    public static void WriteEvent(IBufferWriter<byte> writer, string? id, string type, ReadOnlySpan<byte> utf8Data)
    {
        if (id is not null)
        {
            EnsureFieldValue(id);
        }

        EnsureFieldValue(type);
        if (id is not null)
        {
            WriteField(writer, IdField, id);
        }

        WriteField(writer, EventField, type);
        WriteData(writer, utf8Data);
        writer.Write("\n"u8);
    }

    /// <summary>
    /// Wraps <paramref name="body"/> as one HTTP/1.1 chunk (<c>{size in hex}\r\n{body}\r\n</c>), for streams written
    /// straight to their socket (<see cref="SocketSseOutput"/>).
    /// </summary>
    public static byte[] Chunk(ReadOnlySpan<byte> body)
    {
        var chunk = new byte[ChunkLength(body.Length)];
        body.CopyTo(FrameChunk(chunk, body.Length));
        return chunk;
    }

    /// <summary>How many bytes a chunk with a body of <paramref name="bodyLength"/> bytes takes on the wire.</summary>
    public static int ChunkLength(int bodyLength) => HexDigits(bodyLength) + 2 + bodyLength + 2;

    /// <summary>
    /// Writes a chunk's size line and closing line break into <paramref name="chunk"/> (<see cref="ChunkLength"/> bytes
    /// long) and returns the space between them, for the body.
    /// </summary>
    public static Span<byte> FrameChunk(Span<byte> chunk, int bodyLength)
    {
        bodyLength.TryFormat(chunk, out var digits, "x", CultureInfo.InvariantCulture);
        "\r\n"u8.CopyTo(chunk[digits..]);
        "\r\n"u8.CopyTo(chunk[^2..]);
        return chunk.Slice(digits + 2, bodyLength);
    }

    private static int HexDigits(int value) => value == 0 ? 1 : (System.Numerics.BitOperations.Log2((uint)value) / 4) + 1;

    /// <summary>Encodes a <c>retry:</c> hint.</summary>
    public static byte[] EncodeRetry(int milliseconds) =>
        Encoding.UTF8.GetBytes($"retry: {milliseconds}\n\n");

    /// <summary>Encodes a comment line, which clients ignore; every line break in <paramref name="text"/> starts a new comment line.</summary>
    public static byte[] EncodeComment(string text)
    {
        var builder = new StringBuilder();
        foreach (var line in SplitLines(text))
        {
            builder.Append(": ").Append(line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(builder.Append('\n').ToString());
    }

    private static void EnsureFieldValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("An SSE id or event name cannot contain line breaks or NUL.", nameof(value));
        }
    }

    private static void WriteField(IBufferWriter<byte> buffer, ReadOnlySpan<byte> name, string value)
    {
        buffer.Write(name);
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(value, span));
        buffer.Write("\n"u8);
    }

    private static void WriteData(IBufferWriter<byte> buffer, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            var lineEnd = data.IndexOfAny((byte)'\r', (byte)'\n');
            buffer.Write(DataField);
            if (lineEnd < 0)
            {
                buffer.Write(data);
                buffer.Write("\n"u8);
                return;
            }

            buffer.Write(data[..lineEnd]);
            buffer.Write("\n"u8);
            var skip = data[lineEnd] == '\r' && lineEnd + 1 < data.Length && data[lineEnd + 1] == '\n' ? 2 : 1;
            data = data[(lineEnd + skip)..];
        }
    }

    private static IEnumerable<string> SplitLines(string text) => text.ReplaceLineEndings("\n").Split('\n');
}
