using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.UnitTests.Realtime;

public sealed class PingScheduleTests
{
    private const long Start = 1_000_000;

    [Fact]
    public void Each_tick_brings_the_next_slot_and_an_interval_brings_every_slot_once()
    {
        var schedule = new PingSchedule(intervalMs: 30_000, tickMs: 250, nowMs: Start);
        schedule.Slots.ShouldBe(120);

        var firsts = new List<int>();
        for (var tick = 1; tick <= 120; tick++)
        {
            var due = schedule.Advance(Start + (tick * 250));
            due.Count.ShouldBe(1);
            firsts.Add(due.First);
        }

        firsts.ShouldBe(Enumerable.Range(0, 120).Select(i => (int)((Start / 250) + 1 + i) % 120).ToList());
        firsts.Distinct().Count().ShouldBe(120);
    }

    [Fact]
    public void A_call_within_the_same_tick_brings_nothing()
    {
        var schedule = new PingSchedule(30_000, 250, Start);
        schedule.Advance(Start + 100).Count.ShouldBe(0);
        schedule.Advance(Start + 250).Count.ShouldBe(1);
        schedule.Advance(Start + 499).Count.ShouldBe(0);
    }

    [Fact]
    public void A_late_tick_catches_up_on_every_slot_it_missed_and_never_more_than_all()
    {
        var schedule = new PingSchedule(30_000, 250, Start);
        var late = schedule.Advance(Start + (3 * 250));
        late.Count.ShouldBe(3);
        Enumerable.Range(0, 120).Count(phase => late.Includes((uint)phase)).ShouldBe(3);

        var stalled = schedule.Advance(Start + (3 * 250) + 90_000);
        stalled.Count.ShouldBe(120);
        Enumerable.Range(0, 120).ShouldAllBe(phase => stalled.Includes((uint)phase));
    }

    [Fact]
    public void Due_slots_wrap_around_the_end_of_the_interval()
    {
        var due = new DueSlots(First: 118, Count: 4, Slots: 120);
        Enumerable.Range(0, 120).Where(phase => due.Includes((uint)phase)).ShouldBe([0, 1, 118, 119]);
        due.Includes(120 + 119).ShouldBeTrue();
        due.StartsInterval.ShouldBeTrue();
        new DueSlots(5, 3, 120).StartsInterval.ShouldBeFalse();
    }
}
