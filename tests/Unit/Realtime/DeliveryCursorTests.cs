using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.UnitTests.Realtime;

public sealed class DeliveryCursorTests
{
    [Fact]
    public void Events_the_replay_sent_are_skipped_and_later_ones_move_the_position_and_are_counted()
    {
        var first = DateTimeOffset.UtcNow;
        var cursor = new DeliveryCursor(lastSent: 5);

        cursor.Accept(TestConnections.Event(4, Audience.All)).ShouldBeFalse();
        cursor.Accept(TestConnections.Event(5, Audience.All)).ShouldBeFalse();
        cursor.Accept(TestConnections.Event(6, Audience.All, first)).ShouldBeTrue();
        cursor.Accept(TestConnections.Event(6, Audience.All)).ShouldBeFalse("a second copy of the same position");
        cursor.Accept(TestConnections.Event(8, Audience.All, first.AddSeconds(1))).ShouldBeTrue();

        (cursor.LastSent, cursor.Written, cursor.Oldest).ShouldBe((8L, 2, (DateTimeOffset?)first));
    }

    [Fact]
    public void Control_frames_always_go_and_are_not_counted_and_a_new_batch_counts_from_zero()
    {
        var cursor = new DeliveryCursor(lastSent: 10);
        cursor.Accept(TestConnections.Event(11, Audience.All)).ShouldBeTrue();
        cursor.StartBatch();

        cursor.Accept(EncodedEvent.Raw("retry: 500\n\n"u8.ToArray())).ShouldBeTrue();

        (cursor.LastSent, cursor.Written, cursor.Oldest).ShouldBe((11L, 0, (DateTimeOffset?)null));
    }
}
