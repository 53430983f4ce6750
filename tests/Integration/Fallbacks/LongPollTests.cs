using System.Diagnostics;
using System.Net;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary><c>GET /api/events?after=&amp;wait=</c>: the long-polling fallback.</summary>
public sealed class LongPollTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Poll_returns_the_same_events_with_the_same_ids_as_the_sse_stream()
    {
        var user = Unique.Id("poll");
        await using var sse = await host.ConnectAsync(Query.User(user));
        var first = await host.PublishAsync("notification", new { n = 1 }, Audiences.Users(user));
        var ids = new List<string>
        {
            await host.PublishAsync("notification", new { n = 2 }, Audiences.Users(user)),
            await host.PublishAsync("progress", new { operationId = "op", progress = 50 }, Audiences.Users(user)),
        };
        await host.PublishAsync("notification", new { n = 99 }, Audiences.Users(Unique.Id("someone-else")));
        ids.Add(await host.PublishAsync("system", new { message = "all" }, Audiences.All));
        await sse.Events.WaitForIdAsync(ids[^1]);

        var answer = await host.PollAsync(Query.User(user), after: first);

        answer.Status.ShouldBe(HttpStatusCode.OK, answer.Body);
        var fromSse = sse.Events.WithIds.SkipWhile(e => e.Id != first).Skip(1).ToArray();
        answer.Events.Select(e => (e.Type, e.Id, e.Data)).ShouldBe(fromSse.Select(e => (e.Type, e.Id, e.Data)));
        answer.Events.Select(e => e.Id).ShouldBe(ids);
        answer.Cursor.ShouldBe(ids[^1]);
    }

    [Fact]
    public async Task A_first_poll_returns_a_cursor_from_which_nothing_is_missed()
    {
        var user = Unique.Id("poll");
        var start = await host.PollAsync(Query.User(user));
        start.Events.ShouldBeEmpty();
        start.Cursor.ShouldNotBeNull();

        var published = new[]
        {
            await host.PublishAsync("update", new { v = 1 }, Audiences.Users(user)),
            await host.PublishAsync("update", new { v = 2 }, Audiences.Users(user)),
        };
        var next = await host.PollAsync(Query.User(user), after: start.Cursor);

        next.Events.Select(e => e.Id).ShouldBe(published);
        next.Events.Select(e => e.Json.GetProperty("v").GetInt32()).ShouldBe([1, 2]);
    }

    [Fact]
    public async Task A_poll_with_nothing_missed_waits_for_the_first_live_event()
    {
        var user = Unique.Id("poll");
        var start = await host.PollAsync(Query.User(user));
        var clock = Stopwatch.StartNew();
        var polling = host.PollAsync(Query.User(user), after: start.Cursor, wait: 20);
        await Task.Delay(300);
        polling.IsCompleted.ShouldBeFalse("the poll should hold until an event arrives");

        var id = await host.PublishAsync("notification", new { title = "live" }, Audiences.Users(user));
        var answer = await polling;

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        answer.Events.Select(e => e.Id).ShouldBe([id]);
        answer.Cursor.ShouldBe(id);
    }

    [Fact]
    public async Task An_empty_wait_answers_an_empty_list_and_keeps_the_cursor()
    {
        var user = Unique.Id("poll");
        var start = await host.PollAsync(Query.User(user));
        var clock = Stopwatch.StartNew();

        var answer = await host.PollAsync(Query.User(user), after: start.Cursor, wait: 1);

        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        answer.Events.ShouldBeEmpty();
        answer.Cursor.ShouldBe(start.Cursor);
    }

    [Fact]
    public async Task Polls_follow_the_same_audience_rules_as_streams()
    {
        var user = Unique.Id("poll");
        var topic = Unique.Id("topic");
        var query = Query.Of(("userId", user), ("topics", topic), ("page", "jobs"));
        var start = await host.PollAsync(query);

        var mine = new[]
        {
            await host.PublishAsync("update", new { to = "topic" }, Audiences.Topics(topic)),
            await host.PublishAsync("update", new { to = "metadata" }, Audiences.Metadata(new() { ["page"] = "jobs" })),
            await host.PublishAsync("update", new { to = "user" }, Audiences.Users(user)),
        };
        await host.PublishAsync("update", new { to = "other topic" }, Audiences.Topics(Unique.Id("topic")));
        await host.PublishAsync("update", new { to = "other metadata" }, Audiences.Metadata(new() { ["page"] = "chat" }));
        await host.PublishAsync("update", new { to = "other user" }, Audiences.Users(Unique.Id("user")));
        var last = await host.PublishAsync("update", new { to = "everyone" }, Audiences.All);

        var answer = await host.PollAsync(query, after: start.Cursor);

        answer.Events.Select(e => e.Id).ShouldBe([.. mine, last]);
    }

    [Fact]
    public async Task An_unknown_resume_point_answers_one_reset_with_the_current_id()
    {
        var user = Unique.Id("poll");
        var current = await host.PublishAsync("update", new { }, Audiences.Users(user));

        var answer = await host.PollAsync(Query.User(user), after: "0badbeef-1");

        var reset = answer.Events.ShouldHaveSingleItem();
        reset.Type.ShouldBe("reset");
        reset.Str("reason").ShouldBe("unknown-id");
        reset.Str("lastEventId").ShouldBe("0badbeef-1");
        reset.Str("currentId").ShouldNotBeNull();
        reset.Id.ShouldBe(reset.Str("currentId"));
        answer.Cursor.ShouldBe(reset.Id);
        (await host.PollAsync(Query.User(user), after: answer.Cursor)).Events.ShouldNotContain(e => e.Id == current);
    }

    /// <summary>An empty <c>after</c> is no cursor yet, as an empty <c>Last-Event-ID</c> is no resume point: a first poll.</summary>
    [Fact]
    public async Task An_empty_after_is_a_first_poll()
    {
        var user = Unique.Id("poll");
        var start = await host.PollAsync(Query.User(user), after: "");
        start.Status.ShouldBe(HttpStatusCode.OK, start.Body);
        start.Events.ShouldBeEmpty();
        start.Cursor.ShouldNotBeNull();

        var id = await host.PublishAsync("update", new { v = 1 }, Audiences.Users(user));
        (await host.PollAsync(Query.User(user), after: start.Cursor)).Events.Select(e => e.Id).ShouldBe([id]);
    }

    [Fact]
    public async Task Invalid_poll_parameters_are_400_and_the_poll_does_not_become_metadata()
    {
        (await host.PollAsync(Query.User(Unique.Id("poll")), wait: 3600)).Status.ShouldBe(HttpStatusCode.BadRequest);

        using var twoAfters = await host.Api.GetAsync("api/events?after=a-1&after=a-2");
        (await twoAfters.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("after").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Anonymous_polls_get_global_events()
    {
        var start = await host.PollAsync(string.Empty);
        var id = await host.PublishAsync("system", new { message = "hello" }, Audiences.All);

        (await host.PollAsync(string.Empty, after: start.Cursor)).Events.Select(e => e.Id).ShouldContain(id);
    }
}
