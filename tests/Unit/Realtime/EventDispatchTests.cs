using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Bus;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.UnitTests.Realtime;

public sealed class EventDispatchTests
{
    [Fact]
    public async Task Waiting_broadcasts_go_to_a_parked_writer_in_one_write_and_every_event_keeps_its_place()
    {
        var registry = new ConnectionRegistry();
        var counters = new RealtimeCounters();
        var connection = TestConnections.Create(userId: "u1");
        registry.TryAdd(connection, 10).ShouldBeTrue();
        var writer = new RecordingWriter(connection);
        connection.ReadInlineWith(writer);
        var wait = connection.Queue.WaitToReadAsync().AsTask();

        EncodedEvent[] waiting =
        [
            TestConnections.Event(1, Audience.All),
            TestConnections.Event(2, Audience.All),
            TestConnections.Event(3, Audience.User("u1")),
            TestConnections.Event(4, Audience.All),
            TestConnections.Event(5, Audience.All),
            TestConnections.Event(6, Audience.All),
        ];

        EventDispatch.Deliver(registry, counters, waiting);

        writer.Writes.ShouldBe([[1L, 2L], [3L], [4L, 5L, 6L]]);
        connection.Close(CloseReason.Client);
        (await wait.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
    }

    [Fact]
    public void A_long_backlog_goes_out_in_batches_of_at_most_the_batch_size()
    {
        var registry = new ConnectionRegistry();
        var connection = TestConnections.Create(capacity: 256);
        registry.TryAdd(connection, 10).ShouldBeTrue();
        var writer = new RecordingWriter(connection);
        connection.ReadInlineWith(writer);
        _ = connection.Queue.WaitToReadAsync();

        var waiting = Enumerable.Range(1, SharedFanOut.MaxBatch + 3).Select(i => TestConnections.Event(i, Audience.All)).ToArray();
        EventDispatch.Deliver(registry, new RealtimeCounters(), waiting);

        writer.Writes.Select(w => w.Count).ShouldBe([SharedFanOut.MaxBatch, 3]);
        writer.Writes.SelectMany(w => w).ShouldBe(waiting.Select(e => e.Sequence));
    }
}
