using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Realtime;

public sealed class SharedFanOutTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void Every_recipient_of_a_large_audience_gets_every_event_once_and_in_order()
    {
        var (registry, connections) = LargeAudience();

        for (var sequence = 1; sequence <= 40; sequence++)
        {
            registry.Deliver(TestConnections.Event(sequence, Audience.All)).ShouldBe(connections.Length);
        }

        ShouldEachHaveReceivedInOrder(connections, 40);
    }

    [Fact]
    public void A_batch_reaches_every_recipient_of_a_large_audience_in_order_counted_per_event()
    {
        var (registry, connections) = LargeAudience();

        for (var batch = 0; batch < 8; batch++)
        {
            var frames = Enumerable.Range((batch * 5) + 1, 5).Select(i => TestConnections.Event(i, Audience.All)).ToArray();
            var delivered = new int[frames.Length];
            registry.Deliver(frames, delivered);
            delivered.ShouldAllBe(d => d == connections.Length);
        }

        ShouldEachHaveReceivedInOrder(connections, 40);
    }

    [Fact]
    public async Task A_parked_writer_gets_a_batch_in_one_write_even_when_it_does_not_take_the_last_event()
    {
        var connection = TestConnections.Create();
        connection.Profile = new SseStreamProfile { EventTypes = new HashSet<string> { "test" } };
        var writer = new RecordingWriter(connection);
        connection.ReadInlineWith(writer);
        var wait = connection.Queue.WaitToReadAsync().AsTask();
        EncodedEvent[] frames =
        [
            TestConnections.Event(1, Audience.All),
            TestConnections.Event(2, Audience.All),
            EncodedEvent.Create("e-3", 3, RealtimeEvent.Create("other", new { }), Audience.All, DateTimeOffset.UtcNow),
        ];
        var delivered = new int[frames.Length];

        SharedFanOut.DeliverRange(frames, [connection], 0, 1, delivered);

        writer.Writes.ShouldBe([[1L, 2L]], "its last accepted event sends the batch; nothing waits for a later one");
        delivered.ShouldBe([1, 1, 0]);
        wait.IsCompleted.ShouldBeFalse("written on the producer's thread, the writer still parked");
        connection.Close(CloseReason.Client);
        (await wait.WaitAsync(Deadline)).ShouldBeFalse();
    }

    [Fact]
    public void A_helper_thread_takes_chunks_and_the_count_covers_both_threads()
    {
        var types = new ThreadRecordingTypes { CallerWaitsForHelper = true, HelperWaitsForCaller = true };
        var recipients = Recipients(SharedFanOut.MinRecipients, types);

        var delivered = RunOnCallerThread(types, recipients);

        types.Caller.Join(Deadline).ShouldBeTrue();
        delivered().ShouldBe(recipients.Length);
        types.Threads.Count.ShouldBe(2);
        recipients.ShouldAllBe(r => r.QueueDepth == 1);
        types.HelperOnThreadPool.ShouldBe(false, "the helper has a thread of its own: a fan-out leaves the pool's workers to the requests");
    }

    [Fact]
    public void Deliver_returns_only_once_the_chunk_a_helper_took_is_done()
    {
        var types = new ThreadRecordingTypes { CallerWaitsForHelper = true, HelperHeld = true };
        var recipients = Recipients(SharedFanOut.MinRecipients, types);

        var delivered = RunOnCallerThread(types, recipients);

        // The helper is held inside its first chunk while the caller works through all the others.
        types.WaitForCallerQuestions(SharedFanOut.MinRecipients - SharedFanOut.ChunkSize).ShouldBeTrue();
        types.Caller.Join(TimeSpan.FromMilliseconds(200)).ShouldBeFalse("Deliver returned while a helper's chunk was still being delivered");

        types.ReleaseHelper();
        types.Caller.Join(Deadline).ShouldBeTrue();
        delivered().ShouldBe(recipients.Length);
        recipients.ShouldAllBe(r => r.QueueDepth == 1);
    }

    [Fact]
    public void A_small_audience_is_delivered_on_the_calling_thread_alone()
    {
        var types = new ThreadRecordingTypes { Caller = Thread.CurrentThread };
        var registry = new ConnectionRegistry(Options.Create(new RealtimeOptions()));
        foreach (var recipient in Recipients(SharedFanOut.MinRecipients - 1, types))
        {
            registry.TryAdd(recipient, int.MaxValue);
        }

        registry.Deliver(TestConnections.Event(1, Audience.All)).ShouldBe(SharedFanOut.MinRecipients - 1);

        types.Threads.ShouldBe([Environment.CurrentManagedThreadId]);
    }

    [Fact]
    public void With_sharing_off_a_large_audience_stays_on_the_calling_thread()
    {
        var types = new ThreadRecordingTypes { Caller = Thread.CurrentThread };
        var registry = new ConnectionRegistry(Options.Create(new RealtimeOptions { ParallelFanOut = false }));
        foreach (var recipient in Recipients(2 * SharedFanOut.MinRecipients, types))
        {
            registry.TryAdd(recipient, int.MaxValue);
        }

        registry.Deliver(TestConnections.Event(1, Audience.All)).ShouldBe(2 * SharedFanOut.MinRecipients);

        types.Threads.ShouldBe([Environment.CurrentManagedThreadId]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_fan_out_that_yields_offers_its_core_after_every_chunk(int events)
    {
        const int count = (2 * SharedFanOut.MinRecipients) + 1;
        var recipients = Enumerable.Range(0, count).Select(_ => TestConnections.Create(capacity: 4)).ToArray();
        var frames = Enumerable.Range(1, events).Select(i => TestConnections.Event(i, Audience.All)).ToArray();
        var delivered = new int[events];

        var before = SharedFanOut.CoreOffersOnThisThread;
        SharedFanOut.Deliver(frames, recipients, delivered, shared: false, yieldCore: true);

        delivered.ShouldAllBe(d => d == count);
        // The last chunk included: a fan-out never holds the core for more than one chunk of sends.
        (SharedFanOut.CoreOffersOnThisThread - before).ShouldBe((count + SharedFanOut.ChunkSize - 1) / SharedFanOut.ChunkSize);

        var again = SharedFanOut.CoreOffersOnThisThread;
        SharedFanOut.Deliver(frames, recipients, new int[events], shared: false, yieldCore: false);
        (SharedFanOut.CoreOffersOnThisThread - again).ShouldBe(0, "a fan-out that leaves a core free does not yield");
    }

    [Fact]
    public void An_audience_of_one_chunk_or_less_is_delivered_without_a_yield()
    {
        var recipients = Enumerable.Range(0, SharedFanOut.ChunkSize).Select(_ => TestConnections.Create(capacity: 4)).ToArray();
        var delivered = new int[1];

        var before = SharedFanOut.CoreOffersOnThisThread;
        SharedFanOut.Deliver([TestConnections.Event(1, Audience.All)], recipients, delivered, shared: false, yieldCore: true);

        delivered[0].ShouldBe(SharedFanOut.ChunkSize);
        (SharedFanOut.CoreOffersOnThisThread - before).ShouldBe(0, "a targeted event or a small topic pays nothing for the yields");
    }

    [Theory]
    [InlineData(true, 1, true)]
    [InlineData(true, 2, true)]
    [InlineData(true, 4, false)]
    [InlineData(false, 1, true)]
    [InlineData(false, 2, false)]
    public void A_fan_out_yields_only_where_it_takes_every_core_of_the_machine(bool shared, int cores, bool yields)
    {
        // Two nodes on two cores fan out on one thread each: neither takes every core, and yields would only go to
        // the other node's fan-out of the same broadcast (bench/README.md, session 30).
        SharedFanOut.TakesEveryCore(shared, cores).ShouldBe(yields);
    }

    [Fact]
    public void A_registry_fan_out_yields_as_the_machine_s_cores_decide()
    {
        var registry = new ConnectionRegistry(Options.Create(new RealtimeOptions { ParallelFanOut = false }));
        const int count = SharedFanOut.MinRecipients;
        foreach (var connection in Enumerable.Range(0, count).Select(_ => TestConnections.Create(capacity: 4)))
        {
            registry.TryAdd(connection, int.MaxValue);
        }

        var before = SharedFanOut.CoreOffersOnThisThread;
        registry.Deliver(TestConnections.Event(1, Audience.All)).ShouldBe(count);

        var chunks = count / SharedFanOut.ChunkSize;
        (SharedFanOut.CoreOffersOnThisThread - before).ShouldBe(SharedFanOut.TakesEveryCore(shared: false, Environment.ProcessorCount) ? chunks : 0);
    }

    [Fact]
    public void With_as_many_nodes_on_the_machine_as_cores_a_large_audience_stays_on_the_calling_thread()
    {
        var types = new ThreadRecordingTypes { Caller = Thread.CurrentThread };
        var registry = new ConnectionRegistry(Options.Create(new RealtimeOptions()));
        registry.SetNodesOnHost(Environment.ProcessorCount);
        foreach (var recipient in Recipients(2 * SharedFanOut.MinRecipients, types))
        {
            registry.TryAdd(recipient, int.MaxValue);
        }

        registry.Deliver(TestConnections.Event(1, Audience.All)).ShouldBe(2 * SharedFanOut.MinRecipients);

        types.Threads.ShouldBe([Environment.CurrentManagedThreadId]);
        registry.SharesFanOut.ShouldBeFalse();
    }

    [Fact]
    public void The_sharing_follows_the_count_of_nodes_on_the_machine_and_the_option()
    {
        var registry = new ConnectionRegistry(Options.Create(new RealtimeOptions()));
        registry.SharesFanOut.ShouldBe(Environment.ProcessorCount > 1, "alone on the machine");

        registry.SetNodesOnHost(Environment.ProcessorCount);
        registry.SharesFanOut.ShouldBeFalse("a core per node");

        registry.SetNodesOnHost(0);
        registry.NodesOnHost.ShouldBe(1, "this node is on the machine whatever a failed count says");
        registry.SharesFanOut.ShouldBe(Environment.ProcessorCount > 1, "alone again");

        var off = new ConnectionRegistry(Options.Create(new RealtimeOptions { ParallelFanOut = false }));
        off.SetNodesOnHost(1);
        off.SharesFanOut.ShouldBeFalse("the option wins");
    }

    [Fact]
    public void Once_a_fan_out_is_done_the_helper_holds_none_of_its_recipients()
    {
        var recipients = DeliverWithTheHelperAndForget();

        // Closed connections must not stay reachable from a helper that waits for the next large broadcast.
        var released = SpinWait.SpinUntil(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return !recipients.IsAlive;
            },
            Deadline);

        released.ShouldBeTrue("the recipients of a finished fan-out are collectable");
    }

    [Fact]
    public void A_failure_on_the_helper_is_thrown_to_the_caller()
    {
        var types = new ThreadRecordingTypes { CallerWaitsForHelper = true, HelperFails = true };

        var delivered = RunOnCallerThread(types, Recipients(SharedFanOut.MinRecipients, types));

        types.Caller.Join(Deadline).ShouldBeTrue();
        Should.Throw<Xunit.Sdk.XunitException>(() => delivered()).Message.ShouldContain("the helper failed");
    }

    /// <summary>Runs one fan-out in which the helper takes part; returns a weak reference to its recipients.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference DeliverWithTheHelperAndForget()
    {
        var types = new ThreadRecordingTypes { CallerWaitsForHelper = true, HelperWaitsForCaller = true };
        var recipients = Recipients(SharedFanOut.MinRecipients, types);
        var delivered = RunOnCallerThread(types, recipients);
        types.Caller.Join(Deadline).ShouldBeTrue();
        delivered().ShouldBe(recipients.Length);
        types.Threads.Count.ShouldBe(2, "the helper took part");
        return new WeakReference(recipients);
    }

    /// <summary>A registry whose everyone audience is large enough to be shared with a helper thread.</summary>
    private static (ConnectionRegistry Registry, SseConnection[] Connections) LargeAudience()
    {
        var registry = new ConnectionRegistry(Options.Create(new RealtimeOptions()));
        var connections = Enumerable.Range(0, 3 * SharedFanOut.MinRecipients).Select(_ => TestConnections.Create(capacity: 64)).ToArray();
        foreach (var connection in connections)
        {
            registry.TryAdd(connection, connections.Length).ShouldBeTrue();
        }

        return (registry, connections);
    }

    private static void ShouldEachHaveReceivedInOrder(SseConnection[] connections, int count)
    {
        foreach (var connection in connections)
        {
            var received = new List<long>();
            while (connection.Queue.TryRead(out var frame))
            {
                received.Add(frame.Sequence);
            }

            received.ShouldBe(Enumerable.Range(1, count).Select(i => (long)i));
        }
    }

    /// <summary>Starts <see cref="SharedFanOut.Deliver(EncodedEvent, SseConnection[], bool)"/> on a thread of its own, known to <paramref name="types"/> as the caller.</summary>
    private static Func<int> RunOnCallerThread(ThreadRecordingTypes types, SseConnection[] recipients)
    {
        var delivered = -1;
        Exception? thrown = null;
        types.Caller = new Thread(() => thrown = Record.Exception(() => delivered = SharedFanOut.Deliver(TestConnections.Event(1, Audience.All), recipients, mayShare: true)))
        {
            // A Deliver that never returns fails its test rather than keeping the test run alive.
            IsBackground = true,
        };
        types.Caller.Start();
        return () => thrown is null ? delivered : throw new Xunit.Sdk.XunitException($"Deliver threw: {thrown}");
    }

    private static SseConnection[] Recipients(int count, ThreadRecordingTypes types)
    {
        var profile = new SseStreamProfile { EventTypes = types };
        return Enumerable.Range(0, count).Select(_ =>
        {
            var connection = TestConnections.Create(capacity: 4);
            connection.Profile = profile;
            return connection;
        }).ToArray();
    }

    /// <summary>
    /// An event-type filter that accepts everything and records which threads asked, so a test can tell the caller of
    /// <see cref="SharedFanOut.Deliver(EncodedEvent, SseConnection[], bool)"/> from its helper and hold either at its first question. Holding the caller
    /// until the helper has asked makes the helper's part certain, however late the thread pool starts it.
    /// </summary>
    private sealed class ThreadRecordingTypes : IReadOnlySet<string>
    {
        private readonly ManualResetEventSlim _helperAsked = new();
        private readonly ManualResetEventSlim _callerAsked = new();
        private readonly ManualResetEventSlim _helperReleased = new();
        private readonly Lock _gate = new();
        private readonly HashSet<int> _threads = [];
        private int _callerQuestions;

        public Thread Caller { get; set; } = null!;

        /// <summary>The caller's first question waits until a helper has asked one.</summary>
        public bool CallerWaitsForHelper { get; init; }

        /// <summary>
        /// The helper's first question waits until the caller has asked one: with <see cref="CallerWaitsForHelper"/>,
        /// both take part whichever starts first (a helper thread that wakes at once could otherwise take every chunk).
        /// </summary>
        public bool HelperWaitsForCaller { get; init; }

        /// <summary>The helper's first question waits for <see cref="ReleaseHelper"/>.</summary>
        public bool HelperHeld { get; init; }

        /// <summary>The helper's first question throws.</summary>
        public bool HelperFails { get; init; }

        public IReadOnlyCollection<int> Threads
        {
            get
            {
                lock (_gate)
                {
                    return [.. _threads];
                }
            }
        }

        public int Count => 1;

        /// <summary>Whether the helper's first question came from a thread-pool thread; null before it asked.</summary>
        public bool? HelperOnThreadPool { get; private set; }

        public void ReleaseHelper() => _helperReleased.Set();

        public bool WaitForCallerQuestions(int count) => SpinWait.SpinUntil(() => Volatile.Read(ref _callerQuestions) >= count, Deadline);

        public bool Contains(string item)
        {
            var thread = Environment.CurrentManagedThreadId;
            bool first;
            lock (_gate)
            {
                first = _threads.Add(thread);
            }

            if (thread == Caller.ManagedThreadId)
            {
                _callerAsked.Set();
                if (first && CallerWaitsForHelper && !_helperAsked.Wait(Deadline))
                {
                    throw new TimeoutException("no helper thread took a chunk");
                }

                Interlocked.Increment(ref _callerQuestions);
                return true;
            }

            if (first)
            {
                HelperOnThreadPool = Thread.CurrentThread.IsThreadPoolThread;
            }

            _helperAsked.Set();
            if (first && HelperWaitsForCaller && !_callerAsked.Wait(Deadline))
            {
                throw new TimeoutException("the caller never took a chunk");
            }

            if (first && HelperFails)
            {
                throw new InvalidOperationException("the helper failed");
            }

            if (first && HelperHeld && !_helperReleased.Wait(Deadline))
            {
                throw new TimeoutException("the helper was never released");
            }

            return true;
        }

        public IEnumerator<string> GetEnumerator() => Enumerable.Empty<string>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public bool IsProperSubsetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool IsProperSupersetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool IsSubsetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool IsSupersetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool Overlaps(IEnumerable<string> other) => throw new NotSupportedException();

        public bool SetEquals(IEnumerable<string> other) => throw new NotSupportedException();
    }
}
