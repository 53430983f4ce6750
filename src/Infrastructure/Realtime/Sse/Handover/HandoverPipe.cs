using System.Buffers;
using System.IO.Pipelines;

namespace Beacon.Infrastructure.Realtime.Sse.Handover;

/// <summary>
/// The transport Kestrel's HTTP layer reads and writes (<see cref="StreamHandover"/>): the connection's own, until
/// <see cref="Detach"/>; then writes are dropped and reads find the connection finished, while the real pipes stay open
/// under the stream.
/// </summary>
internal sealed class HandoverPipe(IDuplexPipe inner) : IDuplexPipe
{
    private readonly Reader _input = new(inner.Input);
    private readonly Writer _output = new(inner.Output);

    /// <summary>Whether the HTTP layer uses this pipe (no TLS or other middleware put its own in between).</summary>
    public bool InUse { get; set; } = true;

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    public void Detach()
    {
        _input.Detached = true;
        _output.Detached = true;
    }

    private sealed class Reader(PipeReader inner) : PipeReader
    {
        private static readonly ReadResult Finished = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

        public volatile bool Detached;

        public override bool TryRead(out ReadResult result)
        {
            if (Detached)
            {
                result = Finished;
                return true;
            }

            return inner.TryRead(out result);
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Detached ? new ValueTask<ReadResult>(Finished) : inner.ReadAsync(cancellationToken);

        public override void AdvanceTo(SequencePosition consumed)
        {
            if (!Detached)
            {
                inner.AdvanceTo(consumed);
            }
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (!Detached)
            {
                inner.AdvanceTo(consumed, examined);
            }
        }

        public override void CancelPendingRead()
        {
            if (!Detached)
            {
                inner.CancelPendingRead();
            }
        }

        // The socket's input stays open after the hand-over: its end is how a client's leaving is seen.
        public override void Complete(Exception? exception = null)
        {
            if (!Detached)
            {
                inner.Complete(exception);
            }
        }
    }

    private sealed class Writer(PipeWriter inner) : PipeWriter
    {
        private static readonly FlushResult Flushed = new(isCanceled: false, isCompleted: false);

        /// <summary>Where a detached HTTP layer's last bytes (its idea of the response's end) go: shared, never read.</summary>
        private static byte[] s_discard = new byte[4096];

        public volatile bool Detached;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => Detached ? 0 : inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            if (!Detached)
            {
                inner.Advance(bytes);
            }
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => Detached ? Discard(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => Detached ? Discard(sizeHint).Span : inner.GetSpan(sizeHint);

        // Not "completed": the HTTP layer takes that as the client gone and aborts the connection.
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            Detached ? new ValueTask<FlushResult>(Flushed) : inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush()
        {
            if (!Detached)
            {
                inner.CancelPendingFlush();
            }
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Detached)
            {
                inner.Complete(exception);
            }
        }

        private static Memory<byte> Discard(int sizeHint) =>
            s_discard.Length >= sizeHint ? s_discard : s_discard = new byte[sizeHint];
    }
}
