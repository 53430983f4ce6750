namespace Beacon.IntegrationTests.Sse;

/// <summary>With a history of 10 per stream, a resume point 30 events back is gone: the client is told with a reset.</summary>
public sealed class ResumeBeyondHistoryTests(SmallHistoryHost host) : IClassFixture<SmallHistoryHost>
{
    [Fact]
    public async Task Resuming_from_an_id_pushed_out_of_history_gets_a_reset_then_live_events()
    {
        var user = Unique.Id("too-late");
        string lastSeen;
        await using (var first = await host.ConnectAsync(Query.User(user)))
        {
            lastSeen = await host.PublishAsync("history.seen", new { }, Audiences.Users(user));
            await first.Events.WaitForIdAsync(lastSeen);
        }

        var missed = new List<string>();
        for (var n = 1; n <= 30; n++)
        {
            missed.Add(await host.PublishAsync("history.missed", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen));
        var reset = await resumed.Events.WaitForEventAsync("reset");
        reset.Str("reason").ShouldBe("expired");
        reset.Str("lastEventId").ShouldBe(lastSeen);
        reset.Str("currentId").ShouldBe(missed[^1]);
        reset.Id.ShouldBe(missed[^1]);

        var live = await host.PublishAsync("history.live", new { }, Audiences.Users(user));
        await resumed.Events.WaitForIdAsync(live);
        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([missed[^1], live], "a reset, then only live events: nothing partial");
        resumed.Events.All[0].Type.ShouldBe("connected");
        resumed.Events.All[1].Type.ShouldBe("reset");
    }

    [Fact]
    public async Task Resuming_from_the_id_a_reset_carried_continues_without_another_reset()
    {
        var user = Unique.Id("after-reset");
        var before = await host.PublishAsync("history.before", new { }, Audiences.Users(user));
        string resetId;
        await using (var client = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: "garbage")))
        {
            var reset = await client.Events.WaitForEventAsync("reset");
            resetId = reset.Id!;
            resetId.ShouldBe(reset.Str("currentId"));
            resetId.ShouldBe(before);
        }

        var missed = await host.PublishAsync("history.after", new { }, Audiences.Users(user));
        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: resetId));
        await resumed.Events.WaitForIdAsync(missed);

        resumed.Events.OfType("reset").ShouldBeEmpty();
        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([missed]);
    }

    [Fact]
    public async Task Exactly_history_size_missed_events_are_all_replayed()
    {
        var (user, lastSeen) = await SeeOneEventAsync("exactly-ten");
        var missed = await PublishToAsync(user, 10);

        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen));
        await resumed.Events.WaitForIdAsync(missed[^1]);

        resumed.Events.WithIds.Select(e => e.Id).ShouldBe(missed);
    }

    [Fact]
    public async Task One_missed_event_more_than_history_holds_is_a_reset()
    {
        var (user, lastSeen) = await SeeOneEventAsync("eleven");
        var missed = await PublishToAsync(user, 11);

        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen));
        var reset = await resumed.Events.WaitForEventAsync("reset");

        reset.Str("reason").ShouldBe("expired");
        resumed.Events.All.ShouldNotContain(e => missed.Contains(e.Id!) && e.Type != "reset");
    }

    private async Task<(string User, string LastSeen)> SeeOneEventAsync(string prefix)
    {
        var user = Unique.Id(prefix);
        await using var first = await host.ConnectAsync(Query.User(user));
        var lastSeen = await host.PublishAsync("history.seen", new { }, Audiences.Users(user));
        await first.Events.WaitForIdAsync(lastSeen);
        return (user, lastSeen);
    }

    private async Task<List<string>> PublishToAsync(string user, int count)
    {
        var ids = new List<string>();
        for (var n = 1; n <= count; n++)
        {
            ids.Add(await host.PublishAsync("history.missed", new { n }, Audiences.Users(user)));
        }

        return ids;
    }
}
