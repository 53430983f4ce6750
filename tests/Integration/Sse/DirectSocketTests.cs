using System.Text;
using System.Text.RegularExpressions;

namespace Beacon.IntegrationTests.Sse;

/// <summary>Streams written through Kestrel's response pipe, as with <c>Realtime:DirectSocketWrites</c> off (or TLS, HTTP/2).</summary>
public sealed class PipeWritesHost() : BeaconHost(("Realtime:DirectSocketWrites", "false"));

/// <summary>
/// A stream on a plain HTTP/1.1 connection is written straight to the socket, with its own status line, headers and
/// chunks; Kestrel must never answer that request a second time. Seen on the wire, with a raw TCP client.
/// </summary>
public sealed class DirectSocketTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task A_stream_is_chunked_says_connection_close_and_ends_with_the_last_chunk_and_the_connection()
    {
        await using var wire = await RawHttp.OpenAsync(host.BaseAddress, $"/api/sse?{Query.User(Unique.Id("wire"))}");
        var head = await wire.ReadHeadAsync();
        head.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        head.ShouldContain("\r\nContent-Type: text/event-stream; charset=utf-8\r\n");
        head.ShouldContain("\r\nTransfer-Encoding: chunked\r\n");
        head.ShouldContain("\r\nConnection: close\r\n");
        head.ShouldContain("\r\nX-Content-Type-Options: nosniff\r\n");
        head.ShouldContain("\r\nX-Frame-Options: DENY\r\n");
        head.ShouldContain("\r\nReferrer-Policy: no-referrer\r\n");
        head.ShouldContain("\r\nX-Accel-Buffering: no\r\n");
        head.ShouldContain("\r\nCache-Control: no-cache, no-transform\r\n");
        head.ShouldContain("\r\nDate: ");
        head.ShouldNotContain("\r\nServer:");
        Regex.Count(head, "^Content-Type:", RegexOptions.Multiline).ShouldBe(1);

        var clientId = await wire.ReadClientIdAsync();
        var id = await host.PublishAsync("wire.event", new { n = 1 }, Audiences.All);
        (await wire.ReadUntilAsync($"id: {id}\n")).ShouldEndWith($"\r\nid: {id}\n", customMessage: "one event, one chunk");
        (await wire.ReadUntilAsync("\n\n")).ShouldBe("event: wire.event\ndata: {\"n\":1}\n\n");

        await host.DisconnectClientAsync(clientId);

        var rest = await wire.ReadToEndAsync();
        rest.ShouldEndWith("\r\n0\r\n\r\n", customMessage: "the last chunk, then the connection closes");
        rest.ShouldNotContain("HTTP/1.1", customMessage: "nothing may answer the request again after the stream");
        Dechunk(wire.Body).ShouldStartWith("retry: ");
    }

    [Fact]
    public async Task The_chunks_decode_to_the_frames_a_parser_reads()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("parsed")));
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await host.PublishAsync("wire.many", new { n = i, text = new string('é', i * 100) }, Audiences.All));
        }

        await client.Events.WaitForIdAsync(ids[^1]);
        var received = client.Events.OfType("wire.many");
        received.Select(e => e.Id).ShouldBe(ids);
        received[19].Data.ShouldContain(new string('é', 1900));
    }

    /// <summary>Joins the chunks' data: the body as an HTTP client sees it.</summary>
    internal static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var rest = chunked.AsSpan();
        while (true)
        {
            var lineEnd = rest.IndexOf("\r\n");
            var size = Convert.ToInt32(rest[..lineEnd].ToString(), 16);
            if (size == 0)
            {
                return body.ToString();
            }

            // Sizes count bytes; the test's payloads decode per chunk because each chunk holds whole frames.
            var bytes = Encoding.UTF8.GetBytes(rest[(lineEnd + 2)..].ToString());
            body.Append(Encoding.UTF8.GetString(bytes, 0, size));
            rest = Encoding.UTF8.GetString(bytes, size + 2, bytes.Length - size - 2).AsSpan();
        }
    }
}

/// <summary>With direct writes off, Kestrel writes the stream, and the connection outlives it (keep-alive).</summary>
public sealed class PipeWritesTests(PipeWritesHost host) : IClassFixture<PipeWritesHost>
{
    [Fact]
    public async Task Kestrel_writes_the_stream_and_keeps_the_connection_for_the_next_request()
    {
        await using var wire = await RawHttp.OpenAsync(host.BaseAddress, $"/api/sse?{Query.User(Unique.Id("piped"))}");
        var head = await wire.ReadHeadAsync();
        head.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        head.ShouldNotContain("Connection: close");
        head.ShouldNotContain("\r\nServer:", customMessage: "Kestrel's responses do not name the server either");
        var clientId = await wire.ReadClientIdAsync();
        var id = await host.PublishAsync("piped.event", new { n = 1 }, Audiences.All);
        await wire.ReadUntilAsync($"id: {id}\n");

        await host.DisconnectClientAsync(clientId);
        await wire.ReadUntilAsync("\r\n0\r\n\r\n");

        await wire.SendAsync("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        var next = await wire.ReadUntilAsync("\r\n\r\n");
        next.ShouldContain("HTTP/1.1 200 OK");
        next.ShouldNotContain("\r\nServer:");
    }
}
