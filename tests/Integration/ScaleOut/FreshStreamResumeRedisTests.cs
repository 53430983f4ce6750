namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>With Redis, a new stream's resume point (on <c>connected</c>) works on any node, however quiet the system was.</summary>
public sealed class FreshStreamResumeRedisTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task A_client_that_drops_before_its_first_event_resumes_on_the_other_node_without_a_gap()
    {
        var user = Unique.Id("fresh-redis");
        await cluster.B.PublishAsync("fresh.before", new { n = 0 }, Audiences.Users(Unique.Id("someone-else")));

        string resumePoint;
        await using (var first = await cluster.A.ConnectAsync(Query.User(user)))
        {
            resumePoint = first.Events.All[0].Id.ShouldNotBeNull();
        }

        // Nothing published yet: resuming from the newest event is a clean resume, not a reset.
        await using (var quiet = await cluster.B.ConnectAsync(Query.User(user), new Infrastructure.SseOptions(LastEventId: resumePoint)))
        {
            await cluster.B.BroadcastMarkerAndWaitAsync(quiet);
            quiet.Events.OfType("reset").ShouldBeEmpty();
        }

        var missed = new List<string>();
        for (var n = 1; n <= 5; n++)
        {
            missed.Add(await cluster.B.PublishAsync("fresh.missed", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await cluster.B.ConnectAsync(Query.User(user), new Infrastructure.SseOptions(LastEventId: resumePoint));
        await resumed.Events.WaitForIdAsync(missed[^1]);
        resumed.Events.OfType("reset").ShouldBeEmpty();
        resumed.Events.OfType("fresh.missed").Select(e => e.Id).ShouldBe(missed);
    }
}
