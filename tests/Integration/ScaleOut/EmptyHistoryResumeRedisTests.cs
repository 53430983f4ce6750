namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>A Redis that nothing has been published to yet: each class of its own, so its history starts empty.</summary>
public sealed class EmptyHistoryCluster : RedisCluster;

/// <summary>
/// A stream that opens before anything was ever published still gets a resume point on <c>connected</c>: a client that
/// drops before its first event resumes from it, on any node, and gets everything published meanwhile.
/// </summary>
public sealed class EmptyHistoryResumeRedisTests(EmptyHistoryCluster cluster) : IClassFixture<EmptyHistoryCluster>
{
    [Fact]
    public async Task A_stream_opened_on_an_empty_history_resumes_without_a_gap()
    {
        var user = Unique.Id("empty-history");
        string resumePoint;
        await using (var first = await cluster.A.ConnectAsync(Query.User(user)))
        {
            resumePoint = first.Events.All[0].Id.ShouldNotBeNull("connected carries no resume point on an empty history");
        }

        // Still nothing published: resuming from the start of history is a clean resume, not a reset.
        await using (var quiet = await cluster.B.ConnectAsync(Query.User(user), new Infrastructure.SseOptions(LastEventId: resumePoint)))
        {
            quiet.Events.OfType("reset").ShouldBeEmpty();
        }

        var missed = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            missed.Add(await cluster.B.PublishAsync("empty.missed", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await cluster.A.ConnectAsync(Query.User(user), new Infrastructure.SseOptions(LastEventId: resumePoint));
        await resumed.Events.WaitForIdAsync(missed[^1]);
        resumed.Events.OfType("reset").ShouldBeEmpty();
        resumed.Events.OfType("empty.missed").Select(e => e.Id).ShouldBe(missed);
    }
}
