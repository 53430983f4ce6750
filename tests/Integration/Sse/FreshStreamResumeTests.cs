namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// A new stream's <c>connected</c> carries a resume point (the newest event when it opened), so a client that
/// drops before its first event resumes without missing what was published meanwhile.
/// </summary>
public sealed class FreshStreamResumeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task A_client_that_drops_before_its_first_event_gets_everything_published_meanwhile()
    {
        var user = Unique.Id("fresh");
        await host.PublishAsync("fresh.before", new { n = 0 }, Audiences.Users(user));

        string resumePoint;
        await using (var first = await host.ConnectAsync(Query.User(user)))
        {
            resumePoint = first.Events.All[0].Id.ShouldNotBeNull();
            first.Events.OfType("fresh.before").ShouldBeEmpty("a new stream does not replay what came before it");
        }

        var missed = new List<string>();
        for (var n = 1; n <= 5; n++)
        {
            missed.Add(await host.PublishAsync("fresh.missed", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: resumePoint));
        await resumed.Events.WaitForIdAsync(missed[^1]);

        resumed.Events.OfType("reset").ShouldBeEmpty();
        resumed.Events.OfType("fresh.missed").Select(e => e.Id).ShouldBe(missed);
        resumed.Events.All[0].Type.ShouldBe("connected");
        resumed.Events.All[0].Id.ShouldBeNull("a resuming stream's position comes from its replay, not from connected");
    }

    [Fact]
    public async Task Events_published_while_a_new_stream_opens_are_delivered_once_each()
    {
        var user = Unique.Id("racing");
        using var publishing = new CancellationTokenSource();
        var published = new List<string>();
        var publisher = Task.Run(async () =>
        {
            for (var n = 0; !publishing.IsCancellationRequested && n < 200; n++)
            {
                published.Add(await host.PublishAsync("fresh.race", new { n }, Audiences.Users(user)));
            }
        });

        await using var client = await host.ConnectAsync(Query.User(user));
        var resumePoint = client.Events.All[0].Id.ShouldNotBeNull();
        await publisher;
        await client.Events.WaitForIdAsync(published[^1]);

        // Everything after the resume point (ids are {epoch}-{sequence}) arrived exactly once, in order; nothing before it.
        static long Sequence(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var after = published.Where(id => Sequence(id) > Sequence(resumePoint)).ToArray();
        client.Events.OfType("fresh.race").Select(e => e.Id!).ShouldBe(after);
    }

    [Fact]
    public async Task A_new_websocket_stream_has_the_same_resume_point_rules()
    {
        var user = Unique.Id("fresh-ws");

        string resumePoint;
        await using (var first = await Fallbacks.WsClient.ConnectAsync(host, Query.User(user)))
        {
            await first.Events.WaitForEventAsync("connected");
            resumePoint = first.Events.All[0].Id.ShouldNotBeNull();
        }

        var missed = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            missed.Add(await host.PublishAsync("fresh.ws", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await Fallbacks.WsClient.ConnectAsync(host, Query.Of(("userId", user), ("lastEventId", resumePoint)));
        await resumed.Events.WaitForIdAsync(missed[^1]);
        resumed.Events.OfType("reset").ShouldBeEmpty();
        resumed.Events.OfType("fresh.ws").Select(e => e.Id).ShouldBe(missed);
    }
}
