using System.Diagnostics;
using System.Net;

namespace Beacon.IntegrationTests.Notifications;

/// <summary>
/// <c>GET /api/notifications/stream</c> on PostgreSQL: the seed's event names, in the seed's order, only to
/// the notification's owner, with the token in a header or the query.
/// </summary>
public sealed class NotificationStreamTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Creating_a_notification_for_alice_delivers_new_notification_then_unread_count_to_her_stream_within_1_s_and_nothing_to_bob()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await using var aliceStream = await host.ConnectNotificationsAsync(alice);
        await using var bobStream = await host.ConnectNotificationsAsync(bob);
        await using var bobGeneral = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(bob, "user")));

        var started = Stopwatch.GetTimestamp();
        var id = (await host.CreateNotificationAsync([alice], title: "For alice", kind: "success", link: "/questions/42"))[0];
        await aliceStream.Events.WaitForAsync(
            e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 1),
            "unread_count 1 after the new notification",
            TimeSpan.FromSeconds(1) - Stopwatch.GetElapsedTime(started) + TimeSpan.FromMilliseconds(1));
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(1));

        var afterConnect = aliceStream.Events.All.SkipWhile(e => e.Type != "new_notification").Where(e => e.Type != "heartbeat").ToArray();
        afterConnect.Select(e => e.Type).ShouldBe(["new_notification", "unread_count"]);
        var created = afterConnect[0];
        created.Id.ShouldNotBeNull("live events carry an id, so the stream can resume");
        created.Str("id").ShouldBe(id.ToString());
        created.Str("title").ShouldBe("For alice");
        created.Str("kind").ShouldBe("success");
        created.Str("link").ShouldBe("/questions/42");
        created.Json.GetProperty("isRead").GetBoolean().ShouldBeFalse();

        // Bob's own notification is the sentinel: events reach a connection in publish order, so had anything of
        // alice's been addressed to bob, it would have arrived before this.
        await host.CreateNotificationAsync([bob], title: "For bob");
        await bobStream.Events.WaitForAsync(e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 1), "bob's own unread_count");
        await bobGeneral.Events.WaitForEventAsync("new_notification");
        bobStream.Events.OfType("new_notification").ShouldHaveSingleItem().Str("title").ShouldBe("For bob");
        bobGeneral.Events.OfType("new_notification").ShouldHaveSingleItem().Str("title").ShouldBe("For bob");
        bobStream.Events.All.ShouldNotContain(e => e.Data.Contains(id.ToString()));
    }

    [Fact]
    public async Task The_stream_opens_with_connected_then_the_current_unread_count()
    {
        var alice = Unique.Id("alice");
        await host.CreateNotificationAsync([alice], title: "one");
        await host.CreateNotificationAsync([alice], title: "two");

        await using var stream = await host.ConnectNotificationsAsync(alice);

        var events = stream.Events.All;
        events[0].Type.ShouldBe("connected");
        events[0].Str("userId").ShouldBe(alice);
        events[1].Type.ShouldBe("unread_count");
        events[1].Id.ShouldBeNull("the opening count is state, not history");
        events[1].Int("count").ShouldBe(2);
        stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
    }

    [Fact]
    public async Task The_stream_beats_with_heartbeat_and_carries_only_notification_events()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectNotificationsAsync(alice);

        await host.PublishAsync("chat.message", new { text = "not a notification" }, Audiences.Users(alice));
        await host.PublishAsync("announcement", new { text = "to everyone" }, Audiences.All);
        var heartbeat = await stream.Events.WaitForEventAsync("heartbeat");
        await host.CreateNotificationAsync([alice]);
        await stream.Events.WaitForEventAsync("new_notification");

        heartbeat.Json.TryGetProperty("timestamp", out _).ShouldBeTrue(heartbeat.Data);
        stream.Events.All.Select(e => e.Type).Distinct().ShouldBeSubsetOf(["connected", "unread_count", "heartbeat", "new_notification"]);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("token")]
    [InlineData("access_token")]
    public async Task The_token_may_come_in_the_header_or_the_query(string how)
    {
        var alice = Unique.Id("alice");
        var token = await host.TokenAsync(alice, "user");

        await using var stream = how == "header"
            ? await host.OpenNotificationStreamAsync(token)
            : await host.OpenNotificationStreamAsync(null, Query.Of((how, token)));

        stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(stream.Response));
        (await stream.WaitForConnectedAsync()).Connected.UserId.ShouldBe(alice);
    }

    [Fact]
    public async Task Without_a_valid_token_the_stream_is_refused_with_401()
    {
        await using var none = await host.OpenNotificationStreamAsync(null);
        await using var bad = await host.OpenNotificationStreamAsync(null, Query.Of(("token", "garbage")));
        await using var claiming = await host.OpenNotificationStreamAsync(null, Query.User("alice"));

        await none.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await bad.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await claiming.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>The notification stream's resume point has <c>GET /api/sse</c>'s bounds: one value of at most 256 characters.</summary>
    [Fact]
    public async Task A_repeated_or_oversized_resume_point_is_refused_with_400()
    {
        var token = await host.TokenAsync(Unique.Id("alice"), "user");
        await using var repeated = await host.OpenNotificationStreamAsync(token, "lastEventId=1&lastEventId=2");
        await using var oversized = await SseClient.OpenAsync(host.BaseAddress, "api/notifications/stream", new SseOptions(Token: token, LastEventId: new string('7', 257)));

        (await repeated.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("lastEventId").ShouldNotBeEmpty();
        (await oversized.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("Last-Event-ID").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task The_stream_ends_with_token_expired_when_its_token_expires()
    {
        var token = Tokens.Sign(host.Setting("Auth:SigningKey")!, Unique.Id("alice"), ["user"], expires: DateTime.UtcNow.AddSeconds(3));
        await using var stream = await host.OpenNotificationStreamAsync(token);
        await stream.WaitForConnectedAsync();

        await stream.Events.WaitForEventAsync("token_expired");
        await stream.Events.WaitForEndAsync();
    }

    [Fact]
    public async Task Reading_and_deleting_push_the_seed_events_and_counts()
    {
        var alice = Unique.Id("alice");
        var ids = await host.CreateNotificationAsync([alice], title: "first");
        var second = (await host.CreateNotificationAsync([alice], title: "second"))[0];
        var third = (await host.CreateNotificationAsync([alice], title: "third"))[0];
        await using var stream = await host.ConnectNotificationsAsync(alice);
        stream.Events.OfType("unread_count").Last().Int("count").ShouldBe(3);

        await host.AsUserAsync(alice, HttpMethod.Post, $"api/notifications/{ids[0]}/read");
        await stream.Events.WaitForAsync(e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 2), "unread_count 2 after mark read");
        stream.Events.OfType("notification_read").ShouldHaveSingleItem().Str("id").ShouldBe(ids[0].ToString());

        await host.AsUserAsync(alice, HttpMethod.Delete, $"api/notifications/{second}", HttpStatusCode.NoContent);
        await stream.Events.WaitForAsync(e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 1), "unread_count 1 after delete");
        var deleted = stream.Events.OfType("notification_deleted").ShouldHaveSingleItem();
        deleted.Str("id").ShouldBe(second.ToString());
        var tail = stream.Events.All.SkipWhile(e => e.Type != "notification_deleted").Where(e => e.Type != "heartbeat").Select(e => e.Type).ToArray();
        tail.ShouldBe(["notification_deleted", "unread_count"]);

        var all = await host.AsUserAsync(alice, HttpMethod.Post, "api/notifications/read-all");
        all.GetProperty("marked").GetInt32().ShouldBe(1);
        await stream.Events.WaitForAsync(e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 0), "unread_count 0 after read-all");
        stream.Events.OfType("notification_read").Select(e => e.Str("id")).ShouldBe([ids[0].ToString(), third.ToString()]);
    }

    [Fact]
    public async Task Mark_all_read_sends_one_unread_count_however_many_it_marks()
    {
        var alice = Unique.Id("alice");
        for (var i = 0; i < 5; i++)
        {
            await host.CreateNotificationAsync([alice], title: $"n{i}");
        }

        await using var stream = await host.ConnectNotificationsAsync(alice);
        await host.AsUserAsync(alice, HttpMethod.Post, "api/notifications/read-all");
        await stream.Events.WaitForAsync(e => e.Count(x => x.Type == "notification_read") == 5, "five notification_read");

        // The next change is the sentinel for "no more counts from the read-all".
        await host.CreateNotificationAsync([alice], title: "after");
        await stream.Events.WaitForEventAsync("new_notification");
        await stream.Events.WaitForAsync(e => e.Count(x => x.Type == "unread_count") == 3, "opening, read-all and sentinel counts");
        stream.Events.OfType("unread_count").Select(e => e.Int("count")).ShouldBe([5, 0, 1]);
    }

    [Fact]
    public async Task A_stream_resumed_with_last_event_id_replays_only_notification_events()
    {
        var alice = Unique.Id("alice");
        string lastId;
        await using (var first = await host.ConnectNotificationsAsync(alice))
        {
            await host.CreateNotificationAsync([alice], title: "seen");
            lastId = (await first.Events.WaitForEventAsync("unread_count", e => e.Id is not null)).Id!;
        }

        await host.PublishAsync("chat.message", new { text = "not for this stream" }, Audiences.Users(alice));
        await host.CreateNotificationAsync([alice], title: "missed");
        await using var resumed = await SseClient.OpenAsync(host.BaseAddress, "api/notifications/stream", new SseOptions(Token: await host.TokenAsync(alice, "user"), LastEventId: lastId));
        await resumed.WaitForConnectedAsync();
        await resumed.Events.WaitForAsync(e => e.Count(x => x.Type == "unread_count") == 2, "the opening count and the replayed one");

        resumed.Events.All.Where(e => e.Type != "heartbeat").Select(e => e.Type).ShouldBe(["connected", "unread_count", "new_notification", "unread_count"]);
        resumed.Events.OfType("new_notification").ShouldHaveSingleItem().Str("title").ShouldBe("missed");
    }
}
