namespace Beacon.IntegrationTests.Sse;

/// <summary><c>GET /api/sse/stats</c> follows connections and events promptly.</summary>
public sealed class StatsTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Stats_reflect_connects_and_disconnects_within_a_second()
    {
        // Tests in a class run one at a time: wait out the previous test's connections.
        await host.WaitForStatsAsync(s => s.TotalClients == 0, "no connections left from earlier tests");
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));

        var aliceTab1 = await host.ConnectAsync(Query.User(alice));
        var aliceTab2 = await host.ConnectAsync(Query.User(alice));
        var bobClient = await host.ConnectAsync(Query.User(bob));
        await using var anonymous = await host.ConnectAsync();
        await host.WaitForStatsAsync(
            s => s.TotalClients == 4 && s.ClientsOf(alice) == 2 && s.ClientsOf(bob) == 1,
            "4 clients: alice twice, bob once", Promptly);

        await aliceTab1.DisposeAsync();
        await host.WaitForStatsAsync(s => s.TotalClients == 3 && s.ClientsOf(alice) == 1, "alice's first tab gone", Promptly);

        await aliceTab2.DisposeAsync();
        await bobClient.DisposeAsync();
        var after = await host.WaitForStatsAsync(s => s.TotalClients == 1, "only the anonymous client left", Promptly);
        after.ClientsByUser.ShouldNotContainKey(alice);
        after.ClientsByUser.ShouldNotContainKey(bob);
    }

    [Fact]
    public async Task Stats_count_events_sent_and_when_the_last_one_was_published()
    {
        var user = Unique.Id("counted");
        await using var tab1 = await host.ConnectAsync(Query.User(user));
        await using var tab2 = await host.ConnectAsync(Query.User(user));
        var before = await host.GetStatsAsync();
        var publishedAt = DateTimeOffset.UtcNow;

        var id = await host.PublishAsync("stats.counted", new { }, Audiences.Users(user));
        await tab1.Events.WaitForIdAsync(id);
        await tab2.Events.WaitForIdAsync(id);

        var after = await host.WaitForStatsAsync(s => s.TotalEventsSent >= before.TotalEventsSent + 2, "two more events sent (one per tab)", Promptly);
        after.LastEventTime.ShouldNotBeNull();
        DateTimeOffset.FromUnixTimeMilliseconds(after.LastEventTime.Value)
            .ShouldBeInRange(publishedAt.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2));
    }

    [Fact]
    public async Task Pings_are_not_counted_as_events_sent()
    {
        await host.WaitForStatsAsync(s => s.TotalClients == 0, "no connections left from earlier tests");
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("pinged")));
        var before = await host.GetStatsAsync();

        await client.Events.WaitForAsync(e => e.Count(x => x.Type == "ping") >= 2, "two pings");

        (await host.GetStatsAsync()).TotalEventsSent.ShouldBe(before.TotalEventsSent);
    }

    [Fact]
    public async Task Stats_report_the_node_and_a_growing_average_connection_duration()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("long-lived")));

        var stats = await host.WaitForStatsAsync(s => s.AverageConnectionDuration >= 500, "an average connection duration of at least 0.5 s");

        stats.NodeId.ShouldBe(client.Connected.NodeId);
        stats.AverageConnectionDuration.ShouldBeLessThan(60_000);
    }
}
