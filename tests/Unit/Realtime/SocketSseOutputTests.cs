using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Beacon.UnitTests.Realtime;

/// <summary>The socket output's wire format for a batch, read from the other end of a real loopback connection.</summary>
public sealed class SocketSseOutputTests
{
    [Fact]
    public async Task Frames_written_before_a_flush_go_out_in_order_as_one_chunk_and_the_stream_keeps_no_buffer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptSocketAsync();
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/1.1";
        context.Features.Set<IConnectionSocketFeature>(new SocketFeature(server));
        var output = SocketSseOutput.TryCreate(context).ShouldNotBeNull();

        output.Start.Write("retry: 1000\n\n"u8);
        (await output.FlushAsync(null, CancellationToken.None)).IsCompleted.ShouldBeFalse();
        var frames = Enumerable.Range(1, 6).Select(i => TestConnections.Event(i, Audience.All)).ToArray();

        // Back to back on one thread, as the stream's writer does: the second batch finds the thread's buffer ready.
        SendBatch(output, frames[0..3]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        SendBatch(output, frames[3..6]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.UnflushedBytes.ShouldBe(0);

        var expected = Chunk(frames[0..3]) + Chunk(frames[3..6]);
        var received = await ReadUntilAsync(client.GetStream(), expected);
        received.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        received.ShouldContain("\r\n\r\nd\r\nretry: 1000\n\n\r\n");
        received.ShouldEndWith("\r\n" + expected, customMessage: "one chunk per flush, the frames in the order written");
        allocated.ShouldBeLessThan(200, "a batch is assembled in the thread's buffer, not one of the stream's (about 1.3 KB a batch)");
    }

    private static void SendBatch(SocketSseOutput output, EncodedEvent[] frames)
    {
        foreach (var frame in frames[..^1])
        {
            output.Write(frame);
        }

        var flush = output.FlushAsync(frames[^1], CancellationToken.None);
        flush.IsCompletedSuccessfully.ShouldBeTrue("the socket takes a small batch at once");
        flush.Result.IsCompleted.ShouldBeFalse();
    }

    private static string Chunk(EncodedEvent[] frames)
    {
        var body = string.Concat(frames.Select(f => Encoding.UTF8.GetString(f.Frame.Span)));
        return $"{Encoding.UTF8.GetByteCount(body):x}\r\n{body}\r\n";
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            read.ShouldBeGreaterThan(0, "the connection closed after: " + received);
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    private sealed class SocketFeature(Socket socket) : IConnectionSocketFeature
    {
        public Socket Socket { get; } = socket;
    }
}
