using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.UnitTests.Realtime;

public sealed class FrameQueueTests
{
    private static EncodedEvent E(long n) => TestConnections.Event(n, Audience.All);

    [Fact]
    public async Task Frames_come_out_in_the_order_they_went_in()
    {
        var queue = new FrameQueue(16);
        for (var i = 1; i <= 10; i++)
        {
            queue.TryWrite(E(i)).ShouldBeTrue();
        }

        (await queue.WaitToReadAsync()).ShouldBeTrue();
        var read = new List<long>();
        while (queue.TryRead(out var frame))
        {
            read.Add(frame.Sequence);
        }

        read.ShouldBe(Enumerable.Range(1, 10).Select(i => (long)i));
        queue.Count.ShouldBe(0);
    }

    [Fact]
    public void A_full_queue_refuses_without_waiting_and_accepts_again_once_read()
    {
        var queue = new FrameQueue(3);
        queue.TryWrite(E(1)).ShouldBeTrue();
        queue.TryWrite(E(2)).ShouldBeTrue();
        queue.TryWrite(E(3)).ShouldBeTrue();

        queue.TryWrite(E(4)).ShouldBeFalse();
        queue.Count.ShouldBe(3);

        queue.TryRead(out _).ShouldBeTrue();
        queue.TryWrite(E(5)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_waiting_reader_wakes_when_a_frame_arrives()
    {
        var queue = new FrameQueue(8);
        var wait = queue.WaitToReadAsync().AsTask();
        wait.IsCompleted.ShouldBeFalse();

        queue.TryWrite(E(1));

        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
    }

    [Fact]
    public async Task Completion_lets_the_reader_drain_then_ends_the_wait()
    {
        var queue = new FrameQueue(8);
        queue.TryWrite(E(1));
        queue.TryComplete().ShouldBeTrue();
        queue.TryWrite(E(2)).ShouldBeFalse("nothing is queued after completion");

        (await queue.WaitToReadAsync()).ShouldBeTrue();
        queue.TryRead(out var last).ShouldBeTrue();
        last.Sequence.ShouldBe(1);
        (await queue.WaitToReadAsync()).ShouldBeFalse();

        var waiting = new FrameQueue(8);
        var completion = waiting.Completion;
        completion.IsCompleted.ShouldBeFalse();
        var wait = waiting.WaitToReadAsync().AsTask();
        waiting.TryComplete();
        await completion.WaitAsync(TimeSpan.FromSeconds(10));
        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
        waiting.Completion.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Cancelling_a_wait_throws_and_the_queue_stays_usable()
    {
        var queue = new FrameQueue(8);
        using var cts = new CancellationTokenSource();
        var wait = queue.WaitToReadAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
        queue.TryWrite(E(1)).ShouldBeTrue();
        (await queue.WaitToReadAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task Concurrent_producers_deliver_every_frame_exactly_once_in_per_producer_order()
    {
        const int producers = 4;
        const int perProducer = 20_000;
        var queue = new FrameQueue(producers * perProducer);
        var seen = new List<long>();
        var reader = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var frame))
                {
                    seen.Add(frame.Sequence);
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                queue.TryWrite(E((p * 1_000_000L) + i)).ShouldBeTrue();
            }
        })));
        queue.TryComplete();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        seen.Count.ShouldBe(producers * perProducer);
        seen.Distinct().Count().ShouldBe(seen.Count);
        for (var p = 0; p < producers; p++)
        {
            seen.Where(s => s / 1_000_000 == p).ShouldBeInOrder(SortDirection.Ascending);
        }
    }

    [Fact]
    public async Task A_reader_that_waits_between_every_frame_misses_none()
    {
        var queue = new FrameQueue(4);
        var received = 0;
        var reader = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out _))
                {
                    received++;
                }
            }
        });

        for (var i = 0; i < 50_000; i++)
        {
            while (!queue.TryWrite(E(i)))
            {
                await Task.Yield();
            }
        }

        queue.TryComplete();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        received.ShouldBe(50_000);
    }

    [Fact]
    public async Task Every_write_accepted_while_the_queue_completes_is_read()
    {
        // Writers racing completion: a write may be refused, but one that returned true must reach the reader.
        for (var round = 0; round < 1_000; round++)
        {
            var queue = new FrameQueue(1_000_000);
            var read = 0;
            var reader = Task.Run(async () =>
            {
                while (await queue.WaitToReadAsync())
                {
                    while (queue.TryRead(out _))
                    {
                        read++;
                    }
                }
            });
            var accepted = await WriteFromTwoThreadsUntilCompletedAsync(queue);
            await reader.WaitAsync(TimeSpan.FromSeconds(30));

            read.ShouldBe(accepted, $"round {round}");
            queue.Count.ShouldBe(0);
        }
    }

    [Fact]
    public async Task Every_write_accepted_while_the_queue_completes_is_read_once_with_frames_handed_over_inline()
    {
        // As above, with an inline reader: frames are handed over, linked, or read by the loop, and none is lost or
        // read twice however completion falls among them.
        var handed = 0;
        for (var round = 0; round < 300; round++)
        {
            var (queue, inline) = WithInlineReader(1_000_000, handOverEvery: 5);
            var reader = Task.Run(async () =>
            {
                while (await queue.WaitToReadAsync())
                {
                    inline.ReadAll();
                }
            });
            var accepted = await WriteFromTwoThreadsUntilCompletedAsync(queue);
            await reader.WaitAsync(TimeSpan.FromSeconds(30));

            inline.Read.Count.ShouldBe(accepted, $"round {round}");
            inline.Read.Distinct().Count().ShouldBe(inline.Read.Count, $"round {round}");
            inline.Overlaps.ShouldBe(0);
            queue.Count.ShouldBe(0);
            handed += inline.Handed;
        }

        handed.ShouldBeGreaterThan(0, "some frames went straight to the parked reader");
    }

    [Fact]
    public async Task Deferred_frames_wait_for_the_next_frame_and_go_to_a_parked_reader_in_one_read()
    {
        var (queue, inline) = WithInlineReader(8, handOverEvery: 0);
        var wait = queue.WaitToReadAsync().AsTask();

        queue.TryWrite(E(1), defer: true).ShouldBeTrue();
        queue.TryWrite(E(2), defer: true).ShouldBeTrue();
        inline.InlineCalls.ShouldBe(0, "a deferred frame neither serves nor wakes the reader");
        wait.IsCompleted.ShouldBeFalse();
        queue.Count.ShouldBe(2);

        queue.TryWrite(E(3)).ShouldBeTrue();

        inline.Read.ShouldBe([1L, 2L, 3L]);
        inline.InlineCalls.ShouldBe(1, "the batch went out in one read");
        wait.IsCompleted.ShouldBeFalse();
        queue.TryComplete();
        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
    }

    [Fact]
    public async Task A_deferred_frame_counts_against_capacity_and_an_awake_reader_finds_it()
    {
        var queue = new FrameQueue(2);
        queue.TryWrite(E(1), defer: true).ShouldBeTrue();
        queue.TryWrite(E(2), defer: true).ShouldBeTrue();
        queue.TryWrite(E(3), defer: true).ShouldBeFalse("full");

        (await queue.WaitToReadAsync()).ShouldBeTrue("a reader that looks finds deferred frames");
        queue.TryRead(out var first).ShouldBeTrue();
        queue.TryRead(out var second).ShouldBeTrue();
        (first.Sequence, second.Sequence).ShouldBe((1L, 2L));
    }

    [Fact]
    public async Task A_parked_reader_is_read_for_on_the_producers_thread_and_stays_parked()
    {
        var (queue, inline) = WithInlineReader(8, handOverEvery: 0);
        var wait = queue.WaitToReadAsync().AsTask();

        var producer = Environment.CurrentManagedThreadId;
        queue.TryWrite(E(1)).ShouldBeTrue();
        queue.TryWrite(E(2)).ShouldBeTrue();

        inline.Read.ShouldBe([1L, 2L]);
        inline.Threads.ShouldAllBe(t => t == producer);
        wait.IsCompleted.ShouldBeFalse("the reader was never woken: its frames were read for it");

        queue.TryComplete();
        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse("completion always wakes the reader itself");
    }

    [Fact]
    public async Task A_frame_for_a_parked_reader_with_nothing_queued_is_handed_over_without_a_node()
    {
        var (queue, inline) = WithInlineReader(8, handOverEvery: 0);
        var wait = queue.WaitToReadAsync().AsTask();
        queue.TryWrite(E(1)).ShouldBeTrue();
        queue.TryWrite(E(2)).ShouldBeTrue();
        var third = E(3);

        var before = GC.GetAllocatedBytesForCurrentThread();
        queue.TryWrite(third).ShouldBeTrue();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        inline.Read.ShouldBe([1L, 2L, 3L]);
        inline.Handed.ShouldBe(3);
        allocated.ShouldBe(0, "a handed frame is not linked into the queue");
        queue.Count.ShouldBe(0);
        wait.IsCompleted.ShouldBeFalse();

        queue.TryComplete();
        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
    }

    [Fact]
    public async Task A_handed_frame_whose_inline_read_hands_back_wakes_the_reader_and_later_frames_are_queued()
    {
        var (queue, inline) = WithInlineReader(8, handOverEvery: 1);
        var wait = queue.WaitToReadAsync().AsTask();

        queue.TryWrite(E(1)).ShouldBeTrue();
        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue("the inline read handed back, so the reader is woken");

        // The reader is awake now: frames are queued for it, not handed over.
        queue.TryWrite(E(2)).ShouldBeTrue();
        inline.ReadAll();
        inline.Read.ShouldBe([1L, 2L]);
        inline.Handed.ShouldBe(1);
    }

    [Fact]
    public async Task An_inline_read_that_hands_over_wakes_the_reader()
    {
        var (queue, inline) = WithInlineReader(8, handOverEvery: 1);
        var wait = queue.WaitToReadAsync().AsTask();

        queue.TryWrite(E(1)).ShouldBeTrue();

        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        inline.Read.ShouldBe([1L]);
    }

    [Fact]
    public async Task A_cancellable_wait_is_never_read_inline()
    {
        var (queue, inline) = WithInlineReader(8, handOverEvery: 0);
        using var cts = new CancellationTokenSource();
        var wait = queue.WaitToReadAsync(cts.Token).AsTask();

        queue.TryWrite(E(1)).ShouldBeTrue();

        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        inline.Read.ShouldBeEmpty();
        queue.TryRead(out var frame).ShouldBeTrue();
        frame.Sequence.ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_producers_reading_inline_and_a_reader_loop_see_every_frame_once_in_order()
    {
        // Inline reads hand over now and then, so the role moves between producers and the reader's own loop.
        const int producers = 4;
        const int perProducer = 20_000;
        var (queue, inline) = WithInlineReader(producers * perProducer, handOverEvery: 7);
        var reader = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                inline.ReadAll();
            }
        });

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                queue.TryWrite(E((p * 1_000_000L) + i)).ShouldBeTrue();
            }
        })));
        queue.TryComplete();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        inline.Overlaps.ShouldBe(0, "the reader's role is held by one thread at a time");
        inline.Read.Count.ShouldBe(producers * perProducer);
        inline.Read.Distinct().Count().ShouldBe(inline.Read.Count);
        for (var p = 0; p < producers; p++)
        {
            inline.Read.Where(s => s / 1_000_000 == p).ShouldBeInOrder(SortDirection.Ascending);
        }

        inline.InlineCalls.ShouldBeGreaterThan(0);
    }

    /// <summary>Two threads write distinct frames until the queue refuses; completion lands at a random moment. Returns how many were accepted.</summary>
    private static async Task<int> WriteFromTwoThreadsUntilCompletedAsync(FrameQueue queue)
    {
        var accepted = 0;
        using var start = new Barrier(3);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0L; queue.TryWrite(E((w * 1_000_000_000L) + i)); i++)
                {
                    Interlocked.Increment(ref accepted);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        start.SignalAndWait();
        Thread.SpinWait(Random.Shared.Next(50, 5_000));
        queue.TryComplete();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        return Volatile.Read(ref accepted);
    }

    private static (FrameQueue Queue, InlineReader Inline) WithInlineReader(int capacity, int handOverEvery)
    {
        var queue = new FrameQueue(capacity);
        var inline = new InlineReader(queue, handOverEvery);
        queue.ReadInlineWith(inline);
        return (queue, inline);
    }

    /// <summary>Reads everything linked (as the SSE writer does); every n-th inline call hands over (0: never).</summary>
    private sealed class InlineReader(FrameQueue queue, int handOverEvery) : FrameQueue.IInlineReader
    {
        private int _inside;

        public List<long> Read { get; } = [];

        public List<int> Threads { get; } = [];

        public int InlineCalls { get; private set; }

        public int Overlaps { get; private set; }

        public int Handed { get; private set; }

        public void ReadAll(EncodedEvent? handed = null)
        {
            if (Interlocked.Exchange(ref _inside, 1) == 1)
            {
                Overlaps++;
            }

            if (handed is not null)
            {
                Handed++;
                Read.Add(handed.Sequence);
            }

            while (queue.TryRead(out var frame))
            {
                Read.Add(frame.Sequence);
            }

            Volatile.Write(ref _inside, 0);
        }

        public bool TryReadInline(EncodedEvent? handed)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            ReadAll(handed);
            InlineCalls++;
            return handOverEvery == 0 || InlineCalls % handOverEvery != 0;
        }
    }
}
