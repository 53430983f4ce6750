using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Notifications;

/// <summary>The notification REST API on PostgreSQL: paging, counts, ownership (404 for others' ids) and validation.</summary>
public sealed class NotificationApiTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"userIds":["{alice}"],"title":"","message":"m"}""", "title" },
        { """{"userIds":["{alice}"],"title":"   ","message":"m"}""", "title" },
        { """{"userIds":["{alice}"],"title":"{long201}","message":"m"}""", "title" },
        { """{"userIds":["{alice}"],"title":"t","message":""}""", "message" },
        { """{"userIds":["{alice}"],"title":"t","message":"{long2001}"}""", "message" },
        { """{"userIds":["{alice}"],"title":"t","message":"m","kind":"shouting"}""", "kind" },
        { """{"userIds":["{alice}"],"title":"t","message":"m","kind":"1"}""", "kind" },
        { """{"userIds":["{alice}"],"title":"t","message":"m","link":"javascript:alert(1)"}""", "link" },
        { """{"userIds":["{alice}"],"title":"t","message":"m","link":"//evil.example/x"}""", "link" },
        { """{"userIds":[],"title":"t","message":"m"}""", "userIds" },
        { """{"title":"t","message":"m"}""", "userIds" },
        { """{"userIds":["{alice}",""],"title":"t","message":"m"}""", "userIds" },
    };

    public Task InitializeAsync() => host.ResetDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_request_creates_the_notification_for_each_user()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));

        var ids = await host.CreateNotificationAsync([alice, bob, alice], title: "For both", message: "Hi", kind: "WARNING", link: "https://example.com/x");

        ids.Length.ShouldBe(2, "duplicates are ignored");
        var mine = await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications");
        var item = mine.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        item.GetProperty("id").GetGuid().ShouldBe(ids[0]);
        item.GetProperty("title").GetString().ShouldBe("For both");
        item.GetProperty("kind").GetString().ShouldBe("warning");
        item.GetProperty("link").GetString().ShouldBe("https://example.com/x");
        item.GetProperty("readAt").ValueKind.ShouldBe(JsonValueKind.Null);
        (await host.AsUserAsync(bob, HttpMethod.Get, "api/notifications")).GetProperty("totalCount").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task The_list_is_paged_newest_first_with_counts()
    {
        var alice = Unique.Id("alice");
        for (var i = 1; i <= 5; i++)
        {
            await host.CreateNotificationAsync([alice], title: $"n{i}");
        }

        await host.CreateNotificationAsync([Unique.Id("someone-else")], title: "not alice's");

        var page1 = await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications?page=1&pageSize=2");
        var page3 = await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications?page=3&pageSize=2");

        Titles(page1).ShouldBe(["n5", "n4"]);
        Titles(page3).ShouldBe(["n1"]);
        page1.GetProperty("totalCount").GetInt32().ShouldBe(5);
        page1.GetProperty("unreadCount").GetInt32().ShouldBe(5);
        page1.GetProperty("page").GetInt32().ShouldBe(1);
        page1.GetProperty("pageSize").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Unread_count_and_the_unread_filter_follow_reads()
    {
        var alice = Unique.Id("alice");
        var first = (await host.CreateNotificationAsync([alice], title: "first"))[0];
        await host.CreateNotificationAsync([alice], title: "second");

        var read = await host.AsUserAsync(alice, HttpMethod.Post, $"api/notifications/{first}/read");
        var again = await host.AsUserAsync(alice, HttpMethod.Post, $"api/notifications/{first}/read");

        read.GetProperty("isRead").GetBoolean().ShouldBeTrue();
        again.GetProperty("readAt").GetDateTimeOffset().ShouldBe(read.GetProperty("readAt").GetDateTimeOffset(), $"marking read is idempotent: {read} vs {again}");
        (await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications/unread-count")).GetProperty("count").GetInt32().ShouldBe(1);
        Titles(await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications?unreadOnly=true")).ShouldBe(["second"]);
        (await host.AsUserAsync(alice, HttpMethod.Get, $"api/notifications/{first}")).GetProperty("title").GetString().ShouldBe("first");
    }

    [Fact]
    public async Task Another_users_notification_is_not_found_for_every_operation_and_stays_untouched()
    {
        var (alice, mallory) = (Unique.Id("alice"), Unique.Id("mallory"));
        var id = (await host.CreateNotificationAsync([alice], title: "private"))[0];
        await using var aliceStream = await host.ConnectNotificationsAsync(alice);

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"api/notifications/{id}"), (HttpMethod.Post, $"api/notifications/{id}/read"), (HttpMethod.Delete, $"api/notifications/{id}") })
        {
            using var response = await host.SendAsync(method, path, await host.TokenAsync(mallory, "user"));
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        using (var unknown = await host.SendAsync(HttpMethod.Delete, $"api/notifications/{Guid.NewGuid()}", await host.TokenAsync(alice, "user")))
        {
            await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        (await host.AsUserAsync(mallory, HttpMethod.Post, "api/notifications/read-all")).GetProperty("marked").GetInt32().ShouldBe(0);
        (await host.AsUserAsync(mallory, HttpMethod.Get, "api/notifications")).GetProperty("totalCount").GetInt32().ShouldBe(0);
        var stored = await host.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == id));
        stored.ReadAt.ShouldBeNull();

        // Alice's stream heard nothing from mallory's attempts: her own next change is the first thing after the opening count.
        await host.CreateNotificationAsync([alice], title: "sentinel");
        await aliceStream.Events.WaitForEventAsync("new_notification");
        aliceStream.Events.All.Where(e => e.Type != "heartbeat").Select(e => e.Type).Take(3).ShouldBe(["connected", "unread_count", "new_notification"]);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_input_is_a_400_problem_and_nothing_is_stored_or_sent(string template, string field)
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectNotificationsAsync(alice);
        var body = template.Replace("{alice}", alice).Replace("{long201}", new string('x', 201)).Replace("{long2001}", new string('y', 2001));

        using var response = await host.SendAsync(HttpMethod.Post, "api/notifications", await host.PublisherTokenAsync(), rawBody: body);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
        (await host.WithDbAsync(db => db.Notifications.CountAsync())).ShouldBe(0);
        await host.CreateNotificationAsync([alice], title: "sentinel");
        (await stream.Events.WaitForEventAsync("new_notification")).Str("title").ShouldBe("sentinel");
        stream.Events.OfType("new_notification").Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"userIds":"alice","title":"t","message":"m"}""")]
    [InlineData("""{"userIds":["a"],"title":5,"message":"m"}""")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/notifications", await host.PublisherTokenAsync(), rawBody: body);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await host.WithDbAsync(db => db.Notifications.CountAsync())).ShouldBe(0);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=101")]
    [InlineData("page=abc")]
    public async Task Out_of_range_paging_is_a_400_problem(string query)
    {
        using var response = await host.SendAsync(HttpMethod.Get, "api/notifications?" + query, await host.TokenAsync(Unique.Id("alice"), "user"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private static string[] Titles(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToArray();
}
