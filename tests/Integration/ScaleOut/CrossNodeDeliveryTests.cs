using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

public sealed class CrossNodeDeliveryTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_event_published_on_node_b_reaches_its_audience_on_node_a_and_nobody_else()
    {
        string alice = Unique("alice"), bob = Unique("bob"), news = Unique("news"), page = Unique("page");
        await using var aliceOnA = await cluster.A.ConnectAsync($"userId={alice}");
        await using var aliceOnB = await cluster.B.ConnectAsync($"userId={alice}");
        await using var bobOnA = await cluster.A.ConnectAsync($"userId={bob}&topics={news}&page={page}");
        await using var otherOnA = await cluster.A.ConnectAsync($"userId={Unique("other")}");
        await using var otherOnB = await cluster.B.ConnectAsync($"userId={Unique("other")}&topics={Unique("t")}");
        SseClient[] everyone = [aliceOnA, aliceOnB, bobOnA, otherOnA, otherOnB];

        var toUser = await cluster.B.PublishAsync("test.user", new { n = 1 }, new { users = new[] { alice } });
        var toUsers = await cluster.B.PublishAsync("test.users", new { n = 2 }, new { users = new[] { alice, bob } });
        var toTopic = await cluster.B.PublishAsync("test.topic", new { n = 3 }, new { topics = new[] { news } });
        var toClient = await cluster.B.PublishAsync("test.client", new { n = 4 }, new { clients = new[] { otherOnA.ClientId } });
        var toMetadata = await cluster.B.PublishAsync("test.meta", new { n = 5 }, new { metadata = new Dictionary<string, string> { ["page"] = page } });
        var toAll = await cluster.B.PublishAsync("test.all", new { n = 6 }, new { all = true });
        await cluster.A.BroadcastMarkerAndWaitAsync(everyone);

        Ids(aliceOnA).ShouldBe([toUser, toUsers, toAll], ignoreOrder: false);
        Ids(aliceOnB).ShouldBe([toUser, toUsers, toAll]);
        Ids(bobOnA).ShouldBe([toUsers, toTopic, toMetadata, toAll]);
        Ids(otherOnA).ShouldBe([toClient, toAll]);
        Ids(otherOnB).ShouldBe([toAll]);
    }

    [Fact]
    public async Task A_client_resumes_on_the_other_node_with_exactly_the_events_it_missed_in_order()
    {
        var user = Unique("roamer");
        string lastSeen;
        await using (var onA = await cluster.A.ConnectAsync($"userId={user}"))
        {
            lastSeen = await cluster.A.PublishAsync("test.before", new { n = 0 }, new { users = new[] { user } });
            await onA.Events.WaitForIdAsync(lastSeen);
        }

        var missed = new List<string>();
        for (var i = 1; i <= 50; i++)
        {
            var node = i % 2 == 0 ? cluster.A : cluster.B;
            missed.Add(await node.PublishAsync("test.missed", new { n = i }, new { users = new[] { user } }));
        }

        await using var onB = await cluster.B.ConnectAsync($"userId={user}", new SseOptions(LastEventId: lastSeen));
        await onB.Events.WaitForAsync(e => e.Count(x => x.Type == "test.missed") == 50, "the 50 missed events");
        var live = await cluster.A.PublishAsync("test.live", new { n = 51 }, new { users = new[] { user } });
        await onB.Events.WaitForIdAsync(live);

        onB.Events.OfType("reset").ShouldBeEmpty();
        Ids(onB).ShouldBe([.. missed, live]);
    }

    [Fact]
    public async Task A_thousand_events_published_concurrently_on_both_nodes_arrive_exactly_once_in_id_order()
    {
        var user = Unique("burst");
        await using var onA = await cluster.A.ConnectAsync($"userId={user}", new SseOptions(KeepData: false));
        await using var onB = await cluster.B.ConnectAsync($"userId={user}", new SseOptions(KeepData: false));

        var published = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            published.Add(await (i % 2 == 0 ? cluster.A : cluster.B).PublishAsync("test.burst", new { i }, new { users = new[] { user } })));

        foreach (var client in new[] { onA, onB })
        {
            await client.Events.WaitForAsync(e => e.Count(x => x.Type == "test.burst") >= 1000, "1000 burst events", TimeSpan.FromSeconds(30));
            var ids = Ids(client);
            ids.Count.ShouldBe(1000);
            ids.ShouldBe(published, ignoreOrder: true);
            ids.Select(RedisIds.Sequence).ShouldBeInOrder(SortDirection.Ascending);
            ids.Distinct().Count().ShouldBe(1000);
        }
    }

    private static List<string> Ids(SseClient client) =>
        client.Events.WithIds.Where(e => e.Type != "test.marker").Select(e => e.Id!).ToList();
}
