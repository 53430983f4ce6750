using Beacon.Infrastructure.Analytics;
using Beacon.UnitTests.RateLimiting;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Analytics;

public sealed class InMemoryLiveAnalyticsTests
{
    private readonly ManualClock _clock = new();
    private readonly InMemoryLiveAnalytics _live;

    public InMemoryLiveAnalyticsTests() =>
        _live = new InMemoryLiveAnalytics(Options.Create(new AnalyticsOptions { VisitorWindowSeconds = 300 }), _clock);

    [Fact]
    public async Task Visitors_are_distinct_and_views_are_all_counted()
    {
        await _live.RecordViewAsync("a", _clock.GetUtcNow());
        await _live.RecordViewAsync("a", _clock.GetUtcNow());
        await _live.RecordViewAsync("b", _clock.GetUtcNow());

        (await _live.CountVisitorsAsync()).ShouldBe(2);
        (await _live.CountViewsAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task A_visitor_leaves_the_count_when_their_last_view_leaves_the_window()
    {
        await _live.RecordViewAsync("early", _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(3));
        await _live.RecordViewAsync("late", _clock.GetUtcNow());
        await _live.RecordViewAsync("early-again", _clock.GetUtcNow().AddMinutes(-4));

        _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        (await _live.CountVisitorsAsync()).ShouldBe(1, "only 'late' was seen within the last 5 minutes");
        _clock.Advance(TimeSpan.FromMinutes(3));
        (await _live.CountVisitorsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task An_older_view_arriving_late_does_not_move_a_visitor_back()
    {
        var now = _clock.GetUtcNow();
        await _live.RecordViewAsync("v", now);
        await _live.RecordViewAsync("v", now.AddMinutes(-10));

        _clock.Advance(TimeSpan.FromMinutes(4));

        (await _live.CountVisitorsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_turn_reports_what_was_last_broadcast()
    {
        await _live.RecordViewAsync("a", _clock.GetUtcNow());
        var first = (await _live.TryClaimTurnAsync(TimeSpan.FromSeconds(1), CancellationToken.None)).ShouldNotBeNull();
        first.ShouldBe(new LiveFigures(1, 1, null, null));

        await _live.MarkBroadcastAsync(first, CancellationToken.None);
        await _live.RecordViewAsync("a", _clock.GetUtcNow());

        (await _live.TryClaimTurnAsync(TimeSpan.FromSeconds(1), CancellationToken.None)).ShouldBe(new LiveFigures(1, 2, 1, 1));
    }
}
