using System.IO.Pipelines;
using System.Text;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;

namespace Beacon.UnitTests.Realtime;

public sealed class SseQueueWriterTests
{
    [Fact]
    public async Task Writes_every_queued_frame_in_order_with_one_flush()
    {
        var (connection, pipe, writer, output) = Create(lastSent: 0);
        connection.TryEnqueue(TestConnections.Event(1, Audience.All)).ShouldBeTrue();
        connection.TryEnqueue(EncodedEvent.Raw(": ping\n\n"u8.ToArray())).ShouldBeTrue();
        connection.TryEnqueue(TestConnections.Event(2, Audience.All)).ShouldBeTrue();

        (await output.WriteQueuedAsync(CancellationToken.None)).ShouldBeTrue();

        var text = await ReadAsync(pipe);
        text.IndexOf("id: e-1\n", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf(": ping", StringComparison.Ordinal));
        text.IndexOf(": ping", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf("id: e-2\n", StringComparison.Ordinal));
        writer.Flushes.ShouldBe(1, "the last frame goes out with the flush");
    }

    [Fact]
    public async Task Skips_what_the_replay_already_sent_and_still_flushes()
    {
        var (connection, pipe, writer, output) = Create(lastSent: 2);
        connection.TryEnqueue(TestConnections.Event(1, Audience.All)).ShouldBeTrue();
        connection.TryEnqueue(TestConnections.Event(2, Audience.All)).ShouldBeTrue();

        (await output.WriteQueuedAsync(CancellationToken.None)).ShouldBeTrue();
        writer.Flushes.ShouldBe(1);
        writer.BytesWritten.ShouldBe(0);

        connection.TryEnqueue(TestConnections.Event(3, Audience.All)).ShouldBeTrue();
        (await output.WriteQueuedAsync(CancellationToken.None)).ShouldBeTrue();

        var text = await ReadAsync(pipe);
        text.ShouldNotContain("id: e-1\n");
        text.ShouldNotContain("id: e-2\n");
        text.ShouldContain("id: e-3\n");
    }

    [Fact]
    public async Task A_frame_handed_to_a_parked_stream_is_written_inline_skipping_what_the_replay_sent()
    {
        var (connection, pipe, writer, _) = Create(lastSent: 2);
        var wait = connection.Queue.WaitToReadAsync().AsTask();

        connection.TryEnqueue(TestConnections.Event(2, Audience.All)).ShouldBeTrue();
        connection.TryEnqueue(TestConnections.Event(3, Audience.All)).ShouldBeTrue();

        wait.IsCompleted.ShouldBeFalse("both frames were written on this thread; the stream's loop stayed parked");
        connection.QueueDepth.ShouldBe(0);
        writer.Flushes.ShouldBe(2);
        var text = await ReadAsync(pipe);
        text.ShouldNotContain("id: e-2\n");
        text.ShouldContain("id: e-3\n");
    }

    [Fact]
    public async Task Reports_the_end_of_the_response()
    {
        var (connection, pipe, _, output) = Create(lastSent: 0);
        await pipe.Reader.CompleteAsync();
        connection.TryEnqueue(TestConnections.Event(1, Audience.All)).ShouldBeTrue();

        (await output.WriteQueuedAsync(CancellationToken.None)).ShouldBeFalse();
    }

    private static (SseConnection Connection, Pipe Pipe, CountingWriter Writer, SseQueueWriter Output) Create(long lastSent)
    {
        var connection = TestConnections.Create();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writer = new CountingWriter(pipe.Writer);
        return (connection, pipe, writer, new SseQueueWriter(connection, new PipeSseOutput(writer), new RealtimeCounters(), lastSent));
    }

    private static async Task<string> ReadAsync(Pipe pipe)
    {
        await pipe.Writer.CompleteAsync();
        var text = new StringBuilder();
        while (true)
        {
            var result = await pipe.Reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            pipe.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    /// <summary>A pipe writer that counts flushes (a write-and-flush counts as one) and bytes.</summary>
    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        public int Flushes { get; private set; }

        public long BytesWritten { get; private set; }

        public override void Advance(int bytes)
        {
            BytesWritten += bytes;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return inner.FlushAsync(cancellationToken);
        }
    }
}
