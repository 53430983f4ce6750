using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Beacon.UnitTests.Realtime;

/// <summary>The socket output's wire format, read from the other end of a real loopback connection.</summary>
public sealed class SocketSseOutputTests
{
    [Fact]
    public async Task Frames_written_before_a_flush_go_out_in_order_as_one_chunk_and_the_stream_keeps_no_buffer()
    {
        using var pair = await SocketPair.OpenAsync();
        var output = SocketSseOutput.TryCreate(pair.Context()).ShouldNotBeNull();

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
        var received = await ReadUntilAsync(pair.Client.GetStream(), expected);
        received.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        received.ShouldContain("\r\n\r\nd\r\nretry: 1000\n\n\r\n");
        received.ShouldEndWith("\r\n" + expected, customMessage: "one chunk per flush, the frames in the order written");
        allocated.ShouldBeLessThan(200, "a batch is assembled in the thread's buffer, not one of the stream's (about 1.3 KB a batch)");
    }

    [Fact]
    public async Task The_first_flush_sends_the_head_and_what_was_written_as_one_chunk_without_garbage()
    {
        using var pair = await SocketPair.OpenAsync();
        var context = pair.Context();
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["Vary"] = new StringValues(["Origin", "Accept-Encoding"]);
        var output = SocketSseOutput.TryCreate(context).ShouldNotBeNull();
        var connected = TestConnections.Event(1, Audience.All);
        output.Start.Write("retry: 1000\n\n"u8);

        output.Write(connected);
        using var other = await SocketPair.OpenAsync();
        var warmUp = SocketSseOutput.TryCreate(other.Context()).ShouldNotBeNull();
        warmUp.Start.Write("retry: 1000\n\n"u8);

        // Another stream's start first, on the same thread: the thread's buffer and one-time caches are not in the figure.
        warmUp.FlushAsync(null, CancellationToken.None).IsCompletedSuccessfully.ShouldBeTrue();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var flush = output.FlushAsync(null, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        flush.IsCompletedSuccessfully.ShouldBeTrue();
        var body = "retry: 1000\n\n" + Encoding.UTF8.GetString(connected.Frame.Span);
        var received = await ReadUntilAsync(pair.Client.GetStream(), $"\r\n\r\n{Encoding.UTF8.GetByteCount(body):x}\r\n{body}\r\n");
        var head = received[..received.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        head[0].ShouldBe("HTTP/1.1 200 OK");
        head[1..].ShouldBe(
        [
            "Content-Type: text/event-stream", "Cache-Control: no-cache", "X-Accel-Buffering: no", "X-Content-Type-Options: nosniff",
            "Vary: Origin", "Vary: Accept-Encoding", head[^3], "Transfer-Encoding: chunked", "Connection: close",
        ]);
        DateTimeOffset.ParseExact(head[^3]["Date: ".Length..], "r", CultureInfo.InvariantCulture).ShouldBe(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        output.Started.ShouldBeTrue();
        allocated.ShouldBeLessThan(400, "the head and first chunk are assembled in the thread's buffer (about 3 KB through a string builder and copies)");
    }

    [Theory]
    [InlineData("evil\r\nSet-Cookie: a=b")]
    [InlineData("caf\u00e9")]
    public async Task A_header_that_may_not_be_sent_fails_the_first_flush_before_anything_reaches_the_socket(string value)
    {
        using var pair = await SocketPair.OpenAsync();
        var context = pair.Context();
        context.Response.Headers["X-Trace"] = value;
        var output = SocketSseOutput.TryCreate(context).ShouldNotBeNull();
        output.Start.Write("retry: 1000\n\n"u8);

        Should.Throw<InvalidOperationException>(() => output.FlushAsync(null, CancellationToken.None));

        output.Started.ShouldBeFalse("an error response can still be written by Kestrel");
        pair.Client.Available.ShouldBe(0);
    }

    [Fact]
    public async Task A_stream_whose_client_is_gone_ends_without_a_send_that_could_only_throw()
    {
        using var pair = await SocketPair.OpenAsync();
        using var aborted = new CancellationTokenSource();
        var context = pair.Context();
        context.RequestAborted = aborted.Token;
        var output = SocketSseOutput.TryCreate(context).ShouldNotBeNull();
        output.Start.Write("retry: 1000\n\n"u8);
        (await output.FlushAsync(null, CancellationToken.None)).IsCompleted.ShouldBeFalse();

        // What Kestrel does when the client closes: the request is aborted and the socket disposed.
        await aborted.CancelAsync();
        pair.Server.Dispose();
        using var thrown = new ExceptionsThrownHere();
        await output.EndAsync();

        thrown.Names.ShouldBeEmpty("a send to the disposed socket throws and is caught, once per stream, thousands at once in a storm");
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

    /// <summary>Both ends of a real loopback connection: the server's as a request's socket, the client's to read.</summary>
    private sealed class SocketPair : IDisposable
    {
        private readonly TcpListener _listener;

        private SocketPair(TcpListener listener, TcpClient client, Socket server)
        {
            _listener = listener;
            Client = client;
            Server = server;
        }

        public TcpClient Client { get; }

        public Socket Server { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            return new SocketPair(listener, client, await listener.AcceptSocketAsync());
        }

        public HttpContext Context()
        {
            var context = new DefaultHttpContext();
            context.Request.Protocol = "HTTP/1.1";
            context.Features.Set<IConnectionSocketFeature>(new SocketFeature(Server));
            return context;
        }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
            _listener.Stop();
        }
    }

    /// <summary>First-chance exceptions thrown on this test's own async flow (tests run in parallel).</summary>
    private sealed class ExceptionsThrownHere : IDisposable
    {
        private static readonly AsyncLocal<ExceptionsThrownHere?> Current = new();
        private readonly List<string> _names = [];

        public ExceptionsThrownHere()
        {
            Current.Value = this;
            AppDomain.CurrentDomain.FirstChanceException += OnThrown;
        }

        public IReadOnlyList<string> Names
        {
            get
            {
                lock (_names)
                {
                    return [.. _names];
                }
            }
        }

        public void Dispose()
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnThrown;
            Current.Value = null;
        }

        private void OnThrown(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Current.Value == this)
            {
                lock (_names)
                {
                    _names.Add(e.Exception.GetType().Name);
                }
            }
        }
    }
}
