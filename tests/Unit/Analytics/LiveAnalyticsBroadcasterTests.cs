using System.Text.Json;
using Beacon.Application.Analytics;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Analytics;
using Beacon.UnitTests.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Beacon.UnitTests.Analytics;

/// <summary>The broadcaster sends a figure only when it changed, and a node that starts has nothing to tell.</summary>
public sealed class LiveAnalyticsBroadcasterTests
{
    private readonly ManualClock _clock = new();
    private readonly InMemoryLiveAnalytics _live;
    private readonly IRealtimePublisher _publisher = Substitute.For<IRealtimePublisher>();
    private readonly LiveAnalyticsBroadcaster _broadcaster;
    private readonly List<RealtimeEvent> _sent = [];

    public LiveAnalyticsBroadcasterTests()
    {
        var options = Options.Create(new AnalyticsOptions());
        _live = new InMemoryLiveAnalytics(options, _clock);
        _publisher.PublishAsync(Arg.Do<RealtimeEvent>(_sent.Add), Arg.Any<Audience>(), Arg.Any<CancellationToken>()).Returns(new ValueTask<string>("id"));
        _broadcaster = new LiveAnalyticsBroadcaster(_live, _publisher, options, _clock, NullLogger<LiveAnalyticsBroadcaster>.Instance);
    }

    [Fact]
    public async Task A_starting_node_announces_nothing_and_the_first_view_is_announced_without_a_change()
    {
        await TickAsync();
        _sent.ShouldBeEmpty("no visitors and no views is no news");

        await _live.RecordViewAsync("first", _clock.GetUtcNow());
        await TickAsync();

        _sent.Select(e => e.Type).ShouldBe([AnalyticsEvents.Visitors, AnalyticsEvents.MetricsUpdate]);
        Payload(_sent[0]).GetProperty("count").GetInt64().ShouldBe(1);
        Payload(_sent[1]).GetProperty("value").GetDouble().ShouldBe(1);
        Payload(_sent[1]).GetProperty("change").ValueKind.ShouldBe(JsonValueKind.Null);

        _sent.Clear();
        await TickAsync();
        _sent.ShouldBeEmpty("nothing changed since");
    }

    private async Task TickAsync()
    {
        _clock.Advance(TimeSpan.FromSeconds(2));
        await _broadcaster.TickAsync(CancellationToken.None);
    }

    private static JsonElement Payload(RealtimeEvent e) => JsonDocument.Parse(e.Utf8Json).RootElement;
}
