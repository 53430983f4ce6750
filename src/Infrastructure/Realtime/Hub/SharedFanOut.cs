using System.Runtime.ExceptionServices;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// Queues one event on a large audience in chunks, with two threads where the node has a second core: the dispatch
/// loop and a helper thread take chunks of the recipients through a shared index. Since streams are written straight
/// to their sockets, a delivery is a <c>send</c> on the thread that queues it, so one thread alone spends an event's
/// whole fan-out in system calls while the other core may be idle (bench/README.md, session 14).
/// </summary>
/// <remarks>
/// <para>
/// A fan-out that takes every core of the machine (<see cref="TakesEveryCore"/>: the dispatch loop and the helper on
/// two cores) yields after each chunk. It keeps those cores busy for tens of milliseconds, and without a yield the
/// scheduler lets it run out its time slices (a few milliseconds) before anything woken meanwhile runs: the requests
/// that publish, the application Beacon runs in, and, where clients share the machine, their reads of what was just
/// sent. Offering the core every <see cref="ChunkSize"/> sends costs one system call per chunk (nothing happens when
/// no other thread waits) and cut the publish round trip during a 5,000-stream broadcast from 4–6 to about 1.5 ms and
/// the delivery p50 by about 3 ms. A fan-out that leaves a core free does not yield: with two nodes on two cores each
/// node's yields went to the other node's fan-out of the same broadcast, and stretched both (p99 65–82 against
/// 55–67 ms; bench/README.md, session 30).
/// </para>
/// <para>
/// The dispatch loop never waits for a helper that has not started: it works through the chunks itself and then
/// waits only for chunks the helper has already taken, so a busy helper costs the parallelism, not progress. The
/// helper is one background thread of its own rather than a thread-pool work item: a fan-out then holds one pool
/// worker (the dispatch loop's) instead of both of a two-core machine's, and the requests that publish keep one
/// (bench/README.md, session 24). Each recipient is in one chunk, and <see cref="Deliver(EncodedEvent[], SseConnection[], int[], bool)"/> returns only once every chunk is done, so a
/// connection still receives events in dispatch order.
/// </para>
/// </remarks>
internal sealed class SharedFanOut
{
    /// <summary>
    /// Recipients per chunk, and so between two offers of the core: about a quarter of a millisecond of sends on a
    /// loaded core, well inside a scheduler slice, and few enough yields per event that they cost nothing measurable.
    /// </summary>
    internal const int ChunkSize = 32;

    /// <summary>Below this an event's fan-out is too short for waking a helper to be worth it.</summary>
    internal const int MinRecipients = 1024;

    /// <summary>The most events one batch carries (<see cref="Deliver(EncodedEvent[], SseConnection[], int[], bool)"/>).</summary>
    internal const int MaxBatch = 32;

    private readonly EncodedEvent[] _frames;
    private readonly SseConnection[] _recipients;
    private readonly int[] _delivered;
    private readonly bool _yieldCore;
    private int _next;
    private int _inFlight;
    private ExceptionDispatchInfo? _failure;
    private ManualResetEventSlim? _done;

    [ThreadStatic]
    private static int t_coreOffers;

    private SharedFanOut(EncodedEvent[] frames, SseConnection[] recipients, int[] delivered, bool yieldCore)
    {
        _frames = frames;
        _recipients = recipients;
        _delivered = delivered;
        _yieldCore = yieldCore;
    }

    /// <summary>How often this thread has offered its core between chunks: what the tests observe of the yields.</summary>
    internal static int CoreOffersOnThisThread => t_coreOffers;

    /// <summary>Whether a fan-out on one thread, or on two when <paramref name="shared"/>, takes every one of <paramref name="cores"/>.</summary>
    internal static bool TakesEveryCore(bool shared, int cores) => (shared ? 2 : 1) >= cores;

    /// <summary>
    /// Queues <paramref name="frame"/> on every recipient that accepts it; returns how many took it. With
    /// <paramref name="mayShare"/> an audience of <see cref="MinRecipients"/> or more is shared with the helper thread.
    /// </summary>
    public static int Deliver(EncodedEvent frame, SseConnection[] recipients, bool mayShare)
    {
        var shared = mayShare && recipients.Length >= MinRecipients;
        var yieldCore = TakesEveryCore(shared, Environment.ProcessorCount);
        if (!InChunks(recipients, shared, yieldCore))
        {
            return DeliverRange(frame, recipients, 0, recipients.Length);
        }

        var delivered = new int[1];
        Deliver([frame], recipients, delivered, shared, yieldCore);
        return delivered[0];
    }

    /// <summary>
    /// Queues a batch of events for the same audience, in order, on every recipient; <paramref name="delivered"/>[i] counts
    /// the recipients that took <paramref name="frames"/>[i]. Each recipient gets its frames in one write. With
    /// <paramref name="mayShare"/> an audience of <see cref="MinRecipients"/> or more is shared with the helper thread.
    /// </summary>
    public static void Deliver(EncodedEvent[] frames, SseConnection[] recipients, int[] delivered, bool mayShare)
    {
        var shared = mayShare && recipients.Length >= MinRecipients;
        Deliver(frames, recipients, delivered, shared, yieldCore: TakesEveryCore(shared, Environment.ProcessorCount));
    }

    /// <summary>
    /// <see cref="Deliver(EncodedEvent[], SseConnection[], int[], bool)"/> with its two decisions made: whether the helper
    /// takes part, and whether each chunk ends with an offer of the core.
    /// </summary>
    internal static void Deliver(EncodedEvent[] frames, SseConnection[] recipients, int[] delivered, bool shared, bool yieldCore)
    {
        if (!InChunks(recipients, shared, yieldCore))
        {
            DeliverRange(frames, recipients, 0, recipients.Length, delivered);
            return;
        }

        var fanOut = new SharedFanOut(frames, recipients, delivered, yieldCore);
        if (shared)
        {
            Helper.Offer(fanOut);
        }

        fanOut.TakeChunks();
        if (shared)
        {
            fanOut.WaitForChunksTaken();
        }

        fanOut._failure?.Throw();
    }

    /// <summary>Queues <paramref name="frame"/> on <paramref name="recipients"/>[<paramref name="start"/>..<paramref name="end"/>).</summary>
    public static int DeliverRange(EncodedEvent frame, SseConnection[] recipients, int start, int end)
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

    /// <summary>
    /// Queues a batch on <paramref name="recipients"/>[<paramref name="start"/>..<paramref name="end"/>). All but a
    /// recipient's last accepted frame are deferred, so a parked writer sends the batch in one write (one system call
    /// per connection instead of one per event, which is what lets a node that fell behind catch up); the last
    /// accepted one, never deferred, is what sends them, so none waits for a later event.
    /// </summary>
    public static void DeliverRange(EncodedEvent[] frames, SseConnection[] recipients, int start, int end, Span<int> delivered)
    {
        for (var r = start; r < end; r++)
        {
            var connection = recipients[r];
            var profile = connection.Profile;
            var last = frames.Length - 1;
            while (last >= 0 && !profile.Accepts(frames[last].Type))
            {
                last--;
            }

            for (var i = 0; i <= last; i++)
            {
                if (!profile.Accepts(frames[i].Type))
                {
                    continue;
                }

                // A full queue closes the connection: nothing more goes to it.
                if (!connection.TryEnqueue(frames[i], defer: i < last))
                {
                    break;
                }

                delivered[i]++;
            }
        }
    }

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
            var count = _recipients.Length;
            Span<int> delivered = stackalloc int[_frames.Length];
            int start;
            while ((start = Interlocked.Add(ref _next, ChunkSize) - ChunkSize) < count)
            {
                if (_frames.Length == 1)
                {
                    delivered[0] += DeliverRange(_frames[0], _recipients, start, Math.Min(start + ChunkSize, count));
                }
                else
                {
                    DeliverRange(_frames, _recipients, start, Math.Min(start + ChunkSize, count), delivered);
                }

                if (_yieldCore)
                {
                    OfferCore();
                }
            }

            for (var i = 0; i < delivered.Length; i++)
            {
                Interlocked.Add(ref _delivered[i], delivered[i]);
            }
        }
        catch (Exception exception)
        {
            // Thrown on the dispatch loop, as it would be without the helper, rather than ending the helper's thread.
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

    /// <summary>
    /// Whether the fan-out goes through chunks: with a helper or with yields, and more than one chunk of recipients.
    /// Otherwise it is one loop on the calling thread, with nothing allocated.
    /// </summary>
    private static bool InChunks(SseConnection[] recipients, bool shared, bool yieldCore) =>
        recipients.Length > ChunkSize && (shared || yieldCore);

    /// <summary>Lets a thread waiting for this core run before the next chunk (<c>sched_yield</c>); counted for the tests.</summary>
    private static void OfferCore()
    {
        t_coreOffers++;
        Thread.Yield();
    }

    /// <summary>
    /// The helper thread, started on first use. It takes fan-outs in the order they were offered (a node has one
    /// dispatch loop, so one at a time); one it reaches after its dispatch loop has finished costs it nothing.
    /// </summary>
    private static class Helper
    {
        private static readonly object Gate = new();
        private static readonly Queue<SharedFanOut> Offered = new();
        private static bool s_started;

        public static void Offer(SharedFanOut fanOut)
        {
            lock (Gate)
            {
                Offered.Enqueue(fanOut);
                if (!s_started)
                {
                    new Thread(Run) { IsBackground = true, Name = "Beacon fan-out helper" }.Start();
                    s_started = true;
                }

                Monitor.Pulse(Gate);
            }
        }

        private static void Run()
        {
            while (true)
            {
                SharedFanOut fanOut;
                lock (Gate)
                {
                    while (!Offered.TryDequeue(out fanOut!))
                    {
                        Monitor.Wait(Gate);
                    }
                }

                // Never throws: a failure is kept for the dispatch loop.
                fanOut.TakeChunks();
            }
        }
    }
}
