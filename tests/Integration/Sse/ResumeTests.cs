namespace Beacon.IntegrationTests.Sse;

/// <summary>Resuming with <c>Last-Event-ID</c>: exactly what was missed, in order, then live events; never a silent gap.</summary>
public sealed class ResumeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Reconnecting_with_last_event_id_replays_missed_events_then_live_ones()
    {
        var user = Unique.Id("resumer");
        var lastSeen = await ReceiveOneEventThenDisconnectAsync(user);

        var missed = new List<string>();
        for (var n = 1; n <= 50; n++)
        {
            missed.Add(await host.PublishAsync("resume.missed", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen));
        await resumed.Events.WaitForIdAsync(missed[^1]);
        var live = await host.PublishAsync("resume.live", new { n = 51 }, Audiences.Users(user));
        await resumed.Events.WaitForIdAsync(live);

        resumed.Events.All[0].Type.ShouldBe("connected");
        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([.. missed, live]);
        resumed.Events.OfType("resume.missed").Select(e => e.Int("n")).ShouldBe(Enumerable.Range(1, 50));
        resumed.Events.OfType("reset").ShouldBeEmpty();
    }

    [Fact]
    public async Task Last_event_id_query_parameter_resumes_like_the_header()
    {
        var user = Unique.Id("query-resumer");
        var lastSeen = await ReceiveOneEventThenDisconnectAsync(user);
        var missed = new List<string>();
        for (var n = 1; n <= 5; n++)
        {
            missed.Add(await host.PublishAsync("resume.query", new { n }, Audiences.Users(user)));
        }

        await using var resumed = await host.ConnectAsync(Query.Of(("userId", user), ("lastEventId", lastSeen)));
        await resumed.Events.WaitForIdAsync(missed[^1]);

        resumed.Events.WithIds.Select(e => e.Id).ShouldBe(missed);
    }

    [Fact]
    public async Task Last_event_id_header_wins_over_the_query_parameter()
    {
        var user = Unique.Id("header-wins");
        var lastSeen = await ReceiveOneEventThenDisconnectAsync(user);
        var missed = await host.PublishAsync("resume.header", new { }, Audiences.Users(user));

        await using var resumed = await host.ConnectAsync(
            Query.Of(("userId", user), ("lastEventId", "garbage")),
            new SseOptions(LastEventId: lastSeen));
        await resumed.Events.WaitForIdAsync(missed);

        resumed.Events.OfType("reset").ShouldBeEmpty();
    }

    [Fact]
    public async Task Resume_replays_only_events_addressed_to_the_connection()
    {
        var (user, topic) = (Unique.Id("scoped"), Unique.Id("topic"));
        var lastSeen = await ReceiveOneEventThenDisconnectAsync(user, topic);

        var forUser = await host.PublishAsync("resume.scope", new { to = "user" }, Audiences.Users(user));
        await host.PublishAsync("resume.scope", new { to = "someone else" }, Audiences.Users(Unique.Id("other")));
        var forTopic = await host.PublishAsync("resume.scope", new { to = "topic" }, Audiences.Topics(topic));
        await host.PublishAsync("resume.scope", new { to = "other topic" }, Audiences.Topics(Unique.Id("topic")));
        var forBoth = await host.PublishAsync("resume.scope", new { to = "user and topic" }, Audiences.Topics(topic, Unique.Id("topic")));
        var forAll = await host.PublishAsync("resume.scope", new { to = "all" }, Audiences.All);

        await using var resumed = await host.ConnectAsync(Query.Of(("userId", user), ("topics", topic)), new SseOptions(LastEventId: lastSeen));
        var live = await host.PublishAsync("resume.scope", new { to = "live" }, Audiences.Users(user));
        await resumed.Events.WaitForIdAsync(live);

        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([forUser, forTopic, forBoth, forAll, live]);
    }

    [Fact]
    public async Task Resume_replays_metadata_events_that_match_the_connection_only()
    {
        var (user, tenant) = (Unique.Id("tenant-user"), Unique.Id("tenant"));
        var query = Query.Of(("userId", user), ("tenant", tenant), ("plan", "pro"));
        string lastSeen;
        await using (var first = await host.ConnectAsync(query))
        {
            lastSeen = await host.PublishAsync("resume.seen", new { }, Audiences.Users(user));
            await first.Events.WaitForIdAsync(lastSeen);
        }

        var mine = await host.PublishAsync("resume.meta", new { }, Audiences.Metadata(new() { ["tenant"] = tenant }));
        await host.PublishAsync("resume.meta", new { }, Audiences.Metadata(new() { ["tenant"] = Unique.Id("tenant") }));
        await host.PublishAsync("resume.meta", new { }, Audiences.Metadata(new() { ["tenant"] = tenant, ["plan"] = "free" }));
        var alsoMine = await host.PublishAsync("resume.meta", new { }, Audiences.Metadata(new() { ["tenant"] = tenant, ["plan"] = "pro" }));

        await using var resumed = await host.ConnectAsync(query, new SseOptions(LastEventId: lastSeen));
        var live = await host.PublishAsync("resume.live", new { }, Audiences.Users(user));
        await resumed.Events.WaitForIdAsync(live);

        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([mine, alsoMine, live]);
    }

    [Fact]
    public async Task Resume_while_events_are_being_published_has_no_gaps_or_duplicates()
    {
        var user = Unique.Id("racer");
        var connections = new List<SseClient> { await host.ConnectAsync(Query.User(user)) };
        using var stop = new CancellationTokenSource();
        var published = new List<string>();
        var publishing = Task.Run(async () =>
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                published.Add(await host.PublishAsync("resume.race", new { n }, Audiences.Users(user)));
            }
        });

        // Connections in turn, each dropped mid-stream while events keep coming; the next resumes from its last event.
        try
        {
            for (var round = 1; round <= 4; round++)
            {
                var current = connections[^1];
                await current.Events.WaitForAsync(e => e.Count(x => x.Type == "resume.race") >= 20, $"20 events on connection {round}");
                if (round == 4)
                {
                    break;
                }

                await current.DisposeAsync();
                var lastSeen = connections.SelectMany(c => c.Events.WithIds).Last().Id;
                connections.Add(await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastSeen)));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await publishing;
        }

        await connections[^1].Events.WaitForIdAsync(published[^1]);
        var received = connections.SelectMany(c => c.Events.OfType("resume.race")).ToList();
        received.Select(e => e.Int("n")).ShouldBe(Enumerable.Range(1, published.Count), "every event once, in order, across the reconnects");
        received.Select(e => e.Id).ShouldBe(published);
        connections.ShouldAllBe(c => c.Events.OfType("reset").Count == 0);
        foreach (var client in connections)
        {
            await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("abc-")]
    [InlineData("-5")]
    [InlineData("abc-+1")]
    [InlineData("abc-x1")]
    [InlineData("abc--1")]
    [InlineData("abc-99999999999999999999999")]
    public async Task Malformed_last_event_id_gets_a_reset_not_an_error(string lastEventId)
    {
        var user = Unique.Id("malformed");

        await using var client = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastEventId));

        var reset = await client.Events.WaitForEventAsync("reset");
        reset.Str("reason").ShouldBe("malformed-id");
        reset.Str("lastEventId").ShouldBe(lastEventId);
        client.Events.All.Select(e => e.Type).Take(2).ShouldBe(["connected", "reset"]);

        // The stream carries on after the reset.
        var live = await host.PublishAsync("resume.after-reset", new { }, Audiences.Users(user));
        await client.Events.WaitForIdAsync(live);
    }

    [Fact]
    public async Task Last_event_id_from_another_epoch_or_the_future_gets_a_reset()
    {
        var user = Unique.Id("unknown");
        var current = await host.PublishAsync("resume.now", new { }, Audiences.Users(user));
        var epoch = current.Split('-')[0];
        var otherEpoch = (epoch == "00000000" ? "00000001" : "00000000") + "-1";
        var future = $"{epoch}-{long.Parse(current.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) + 1_000_000}";

        foreach (var lastEventId in new[] { otherEpoch, future })
        {
            await using var client = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: lastEventId));
            var reset = await client.Events.WaitForEventAsync("reset");
            reset.Str("reason").ShouldBe("unknown-id");
            reset.Str("lastEventId").ShouldBe(lastEventId);
            reset.Str("currentId").ShouldNotBeNull();
            reset.Id.ShouldBe(reset.Str("currentId"), "the reset carries the current id, so the next resume starts from there");
        }
    }

    /// <summary>Connects, receives one event addressed to <paramref name="user"/>, disconnects; returns that event's id.</summary>
    private async Task<string> ReceiveOneEventThenDisconnectAsync(string user, string? topic = null)
    {
        await using var client = await host.ConnectAsync(topic is null ? Query.User(user) : Query.Of(("userId", user), ("topics", topic)));
        var id = await host.PublishAsync("resume.seen", new { }, Audiences.Users(user));
        await client.Events.WaitForIdAsync(id);
        return id;
    }
}
