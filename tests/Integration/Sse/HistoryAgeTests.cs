namespace Beacon.IntegrationTests.Sse;

/// <summary>History is bounded by age too (1 s here): a resume across aged-out events is a reset, not a silent gap.</summary>
public sealed class HistoryAgeTests(ShortHistoryAgeHost host) : IClassFixture<ShortHistoryAgeHost>
{
    [Fact]
    public async Task Resuming_after_the_missed_events_aged_out_gets_a_reset()
    {
        var user = Unique.Id("aged");
        string lastSeen;
        await using (var first = await host.ConnectAsync(Query.User(user)))
        {
            lastSeen = await host.PublishAsync("age.seen", new { }, Audiences.Users(user));
            await first.Events.WaitForIdAsync(lastSeen);
        }

        var missed = await host.PublishAsync("age.missed", new { }, Audiences.Users(user));

        // Until it ages out the missed event is replayed; after that the client must be told.
        ReceivedEvent? reset = null;
        var told = await Eventually.TrueAsync(async () =>
        {
            await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen));
            await resumed.Events.WaitForAsync(e => e.Any(x => x.Type == "reset" || x.Id == missed), "the missed event or a reset");
            reset = resumed.Events.OfType("reset").FirstOrDefault();
            return reset is not null;
        }, every: TimeSpan.FromMilliseconds(250));

        told.ShouldBeTrue("the missed event aged out of history but resuming never produced a reset");
        reset!.Str("reason").ShouldBe("expired");
        reset.Str("lastEventId").ShouldBe(lastSeen);
    }

    [Fact]
    public async Task Resuming_from_the_newest_id_after_history_aged_out_needs_no_reset()
    {
        var user = Unique.Id("caught-up");
        string lastSeen;
        await using (var first = await host.ConnectAsync(Query.User(user)))
        {
            lastSeen = await host.PublishAsync("age.seen", new { }, Audiences.Users(user));
            await first.Events.WaitForIdAsync(lastSeen);
        }

        // A ping tick prunes history; wait until this user's stream has certainly aged out (1 s + a tick).
        await using var waiter = await host.ConnectAsync();
        await waiter.Events.WaitForAsync(e => e.Count(x => x.Type == "ping") >= 3, "three pings");

        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen));
        var live = await host.PublishAsync("age.live", new { }, Audiences.Users(user));
        await resumed.Events.WaitForIdAsync(live);

        resumed.Events.OfType("reset").ShouldBeEmpty("nothing was missed, so there is no gap to report");
        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([live]);
    }
}
