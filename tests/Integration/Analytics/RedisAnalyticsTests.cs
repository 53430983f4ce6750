using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Analytics;
using Beacon.IntegrationTests.ScaleOut;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Beacon.IntegrationTests.Analytics;

/// <summary>Two nodes on one Redis: visitors are counted across nodes and each count is announced once, not once per node.</summary>
public sealed class RedisAnalyticsTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task Visitors_on_both_nodes_are_one_global_count_announced_once_per_change()
    {
        await using var onA = await cluster.A.WatchAnalyticsAsync();
        await using var onB = await cluster.B.WatchAnalyticsAsync();
        var before = (await cluster.A.LiveAsync()).GetProperty("visitors").GetInt64();

        await cluster.A.ViewAsync("/a", Unique.Id("va"));
        await cluster.B.ViewAsync("/b", Unique.Id("vb"));
        await cluster.B.ViewAsync("/b", Unique.Id("vc"));

        await onA.WaitForVisitorsAsync(before + 3);
        await onB.WaitForVisitorsAsync(before + 3);
        (await cluster.B.LiveAsync()).GetProperty("visitors").GetInt64().ShouldBe(before + 3);

        // Both nodes tick every second; the shared turn and "last broadcast" mean each figure is sent once.
        var counts = onA.Events.OfType("visitors").Select(e => e.Json.GetProperty("count").GetInt64()).ToArray();
        counts.ShouldBe(counts.Distinct().ToArray(), $"each count once: {string.Join(", ", counts)}");
        onB.Events.OfType("visitors").Select(e => e.Id).ShouldBe(onA.Events.OfType("visitors").Select(e => e.Id), "both nodes deliver the same events");
    }

    // A visitor known only by address and user agent must get the same key on every node, or they count twice.
    [Fact]
    public async Task Both_nodes_salt_a_days_visitor_keys_alike_and_redis_forgets_the_salt_after_two_days()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3);
        var onA = await cluster.A.Services.GetRequiredService<IVisitorSalt>().ForDayAsync(day);
        var onB = await cluster.B.Services.GetRequiredService<IVisitorSalt>().ForDayAsync(day);

        onB.ShouldBe(onA);
        onA.Length.ShouldBe(32);
        (await cluster.A.Services.GetRequiredService<IVisitorSalt>().ForDayAsync(day.AddDays(1))).ShouldNotBe(onA);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"{{beacon}}:analytics:salt:{day:yyyyMMdd}");
        ttl.ShouldNotBeNull("the salt must expire");
        ttl.Value.ShouldBeInRange(TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task Only_one_node_holds_the_broadcast_turn_at_a_time()
    {
        var a = cluster.A.Services.GetRequiredService<ILiveAnalyticsStore>();
        var b = cluster.B.Services.GetRequiredService<ILiveAnalyticsStore>();
        var turn = TimeSpan.FromSeconds(5);

        // The nodes' own broadcasters hold short turns every second: retry until node A gets one.
        LiveFigures? claimed = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (claimed is null && DateTime.UtcNow < deadline)
        {
            claimed = await a.TryClaimTurnAsync(turn, CancellationToken.None);
            if (claimed is null)
            {
                await Task.Delay(50);
            }
        }

        claimed.ShouldNotBeNull("node A never got a turn");
        (await b.TryClaimTurnAsync(turn, CancellationToken.None)).ShouldBeNull("node B must wait for A's turn to end");
        (await a.TryClaimTurnAsync(turn, CancellationToken.None)).ShouldBeNull("a turn is not re-entrant either");
    }
}
