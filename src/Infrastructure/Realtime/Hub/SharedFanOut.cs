using System.Runtime.ExceptionServices;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// Queues one event on a large audience with two threads: the dispatch loop and a thread-pool helper take chunks of
/// the recipients through a shared index. Since streams are written straight to their sockets, a delivery is a
/// <c>send</c> on the thread that queues it, so one thread alone spends an event's whole fan-out in system calls
/// while the other core may be idle (bench/README.md, session 14).
/// </summary>
/// <remarks>
/// The dispatch loop never waits for a helper that has not started: it works through the chunks itself and then
/// waits only for chunks the helper has already taken, so a starved thread pool costs the parallelism, not
/// progress. Each recipient is in one chunk, and <see cref="Deliver"/> returns only once every chunk is done, so a
/// connection still receives events in dispatch order.
/// </remarks>
internal sealed class SharedFanOut : IThreadPoolWorkItem
{
    /// <summary>Recipients per chunk: small enough to share an event's work evenly, large enough that taking one is rare.</summary>
    internal const int ChunkSize = 256;

    /// <summary>Below this an event's fan-out takes well under a millisecond, less than waking a helper is worth.</summary>
    internal const int MinRecipients = 4 * ChunkSize;

    private readonly EncodedEvent _frame;
    private readonly IReadOnlyList<SseConnection> _recipients;
    private int _next;
    private int _inFlight;
    private int _delivered;
    private ExceptionDispatchInfo? _failure;
    private ManualResetEventSlim? _done;

    private SharedFanOut(EncodedEvent frame, IReadOnlyList<SseConnection> recipients)
    {
        _frame = frame;
        _recipients = recipients;
    }

    /// <summary>Queues <paramref name="frame"/> on every recipient that accepts it; returns how many took it.</summary>
    public static int Deliver(EncodedEvent frame, IReadOnlyList<SseConnection> recipients)
    {
        var fanOut = new SharedFanOut(frame, recipients);
        ThreadPool.UnsafeQueueUserWorkItem(fanOut, preferLocal: false);
        fanOut.TakeChunks();
        fanOut.WaitForChunksTaken();
        fanOut._failure?.Throw();
        return Volatile.Read(ref fanOut._delivered);
    }

    /// <summary>Queues <paramref name="frame"/> on <paramref name="recipients"/>[<paramref name="start"/>..<paramref name="end"/>).</summary>
    public static int DeliverRange(EncodedEvent frame, IReadOnlyList<SseConnection> recipients, int start, int end)
    {
        var delivered = 0;
        for (var i = start; i < end; i++)
        {
            if (recipients[i].Profile.Accepts(frame.Type) && recipients[i].TryEnqueue(frame))
            {
                delivered++;
            }
        }

        return delivered;
    }

    void IThreadPoolWorkItem.Execute() => TakeChunks();

    /// <summary>
    /// The index is spent, so a helper that starts from now on finds nothing: only a chunk already taken is waited for.
    /// A short spin first (a chunk is usually nearly done); then the loop blocks, because on a saturated machine a
    /// spinning dispatch loop would hold the core that the helper, preempted inside its chunk, needs to finish it.
    /// </summary>
    private void WaitForChunksTaken()
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _inFlight) != 0 && !spinner.NextSpinWillYield)
        {
            spinner.SpinOnce();
        }

        if (Volatile.Read(ref _inFlight) == 0)
        {
            return;
        }

        // Published before the count is read again; the helper reads it after its decrement: one of the two sees the other.
        var done = new ManualResetEventSlim(initialState: false, spinCount: 0);
        Interlocked.Exchange(ref _done, done);
        if (Volatile.Read(ref _inFlight) != 0)
        {
            done.Wait();
        }
    }

    private void TakeChunks()
    {
        // Counted in before taking an index: the dispatch loop, once it finds the index spent, sees every chunk still running.
        Interlocked.Increment(ref _inFlight);
        try
        {
            var count = _recipients.Count;
            var delivered = 0;
            int start;
            while ((start = Interlocked.Add(ref _next, ChunkSize) - ChunkSize) < count)
            {
                delivered += DeliverRange(_frame, _recipients, start, Math.Min(start + ChunkSize, count));
            }

            Interlocked.Add(ref _delivered, delivered);
        }
        catch (Exception exception)
        {
            // Thrown on the dispatch loop, as it would be without the helper, rather than ending the process from the pool.
            _failure = ExceptionDispatchInfo.Capture(exception);
        }
        finally
        {
            if (Interlocked.Decrement(ref _inFlight) == 0)
            {
                Volatile.Read(ref _done)?.Set();
            }
        }
    }
}
