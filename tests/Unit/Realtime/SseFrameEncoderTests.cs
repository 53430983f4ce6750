using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;

namespace Beacon.UnitTests.Realtime;

public sealed class SseFrameEncoderTests
{
    private static string Encode(string? id, string type, string data) =>
        Encoding.UTF8.GetString(SseFrameEncoder.EncodeEvent(id, type, Encoding.UTF8.GetBytes(data)));

    [Fact]
    public void Event_has_id_event_and_data_lines_then_a_blank_line()
    {
        Encode("e1-7", "notification", """{"a":1}""").ShouldBe("id: e1-7\nevent: notification\ndata: {\"a\":1}\n\n");
    }

    [Fact]
    public void Event_without_id_omits_the_id_field_so_clients_keep_their_last_id()
    {
        Encode(null, "ping", "{}").ShouldBe("event: ping\ndata: {}\n\n");
    }

    [Theory]
    [InlineData("a\nb", "data: a\ndata: b\n")]
    [InlineData("a\r\nb", "data: a\ndata: b\n")]
    [InlineData("a\rb", "data: a\ndata: b\n")]
    [InlineData("a\n\nb", "data: a\ndata: \ndata: b\n")]
    [InlineData("a\n", "data: a\ndata: \n")]
    public void Multi_line_data_becomes_one_data_line_per_line(string data, string expectedDataLines)
    {
        Encode(null, "x", data).ShouldBe("event: x\n" + expectedDataLines + "\n");
    }

    [Fact]
    public async Task Multi_line_data_round_trips_through_the_platform_parser()
    {
        var payload = "line one\nline two\r\nline three";
        var bytes = SseFrameEncoder.EncodeEvent("1-1", "update", Encoding.UTF8.GetBytes(payload));
        var items = new List<System.Net.ServerSentEvents.SseItem<string>>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(new MemoryStream(bytes)).EnumerateAsync())
        {
            items.Add(item);
        }

        items.ShouldHaveSingleItem();
        items[0].EventType.ShouldBe("update");
        items[0].EventId.ShouldBe("1-1");
        items[0].Data.ShouldBe("line one\nline two\nline three");
    }

    [Theory]
    [InlineData("bad\nid")]
    [InlineData("bad\rid")]
    [InlineData("bad\0id")]
    public void Ids_with_line_breaks_or_nul_are_refused(string id)
    {
        Should.Throw<ArgumentException>(() => Encode(id, "x", "{}"));
    }

    [Theory]
    [InlineData("e1-7", "notification", "{\"a\":1}")]
    [InlineData(null, "x", "a\r\nb\n")]
    public void Writing_into_a_buffer_appends_the_same_frame_as_encoding(string? id, string type, string data)
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write("retry: 1\n\n"u8);

        SseFrameEncoder.WriteEvent(writer, id, type, Encoding.UTF8.GetBytes(data));

        Encoding.UTF8.GetString(writer.WrittenSpan).ShouldBe("retry: 1\n\n" + Encode(id, type, data));
    }

    [Theory]
    [InlineData("1-1", "bad\ntype")]
    [InlineData("bad\nid", "x")]
    public void Writing_a_bad_id_or_type_leaves_the_buffer_untouched(string id, string type)
    {
        var writer = new ArrayBufferWriter<byte>();

        Should.Throw<ArgumentException>(() => SseFrameEncoder.WriteEvent(writer, id, type, "{}"u8));

        writer.WrittenCount.ShouldBe(0);
    }

    [Fact]
    public void Comments_start_every_line_with_a_colon()
    {
        Encoding.UTF8.GetString(SseFrameEncoder.EncodeComment("hello\nworld")).ShouldBe(": hello\n: world\n\n");
    }

    [Fact]
    public void Retry_hint_is_a_retry_field()
    {
        Encoding.UTF8.GetString(SseFrameEncoder.EncodeRetry(2500)).ShouldBe("retry: 2500\n\n");
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(5, "5")]
    [InlineData(300, "12c")]
    [InlineData(70000, "11170")]
    public void A_chunk_is_its_size_in_hex_the_bytes_and_a_line_break(int size, string hex)
    {
        var body = Enumerable.Range(0, size).Select(i => (byte)('a' + (i % 26))).ToArray();

        var chunk = SseFrameEncoder.Chunk(body);

        Encoding.ASCII.GetString(chunk).ShouldBe($"{hex}\r\n{Encoding.ASCII.GetString(body)}\r\n");
    }

    [Fact]
    public void An_event_is_chunked_once_and_shared_by_every_stream()
    {
        var encoded = EncodedEvent.Create("1-1", 1, RealtimeEvent.Create("update", new { a = 1 }), Audience.All, DateTimeOffset.UnixEpoch);

        var first = encoded.ChunkedFrame;

        MemoryMarshal.TryGetArray(first, out var a).ShouldBeTrue();
        MemoryMarshal.TryGetArray(encoded.ChunkedFrame, out var b).ShouldBeTrue();
        b.Array.ShouldBeSameAs(a.Array);
        const string frame = "id: 1-1\nevent: update\ndata: {\"a\":1}\n\n";
        Encoding.UTF8.GetString(first.Span).ShouldBe($"{frame.Length:x}\r\n{frame}\r\n");
    }

    [Fact]
    public void An_event_is_encoded_for_websockets_once_and_shared_by_every_socket()
    {
        var encoded = EncodedEvent.Create("1-1", 1, RealtimeEvent.Create("update", new { a = 1 }), Audience.All, DateTimeOffset.UnixEpoch);

        var first = encoded.JsonMessage;

        encoded.JsonMessage.ShouldBeSameAs(first);
        Encoding.UTF8.GetString(first).ShouldBe("{\"id\":\"1-1\",\"type\":\"update\",\"data\":{\"a\":1}}");
    }
}
