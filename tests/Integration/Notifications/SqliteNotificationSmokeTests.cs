using System.Net;

namespace Beacon.IntegrationTests.Notifications;

/// <summary>The notification module on the embedded default (SQLite): the main paths, end to end.</summary>
public sealed class SqliteNotificationSmokeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Create_list_read_and_delete_work_and_stream_on_sqlite()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await using var stream = await host.ConnectNotificationsAsync(alice);

        var first = (await host.CreateNotificationAsync([alice, bob], title: "first"))[0];
        var second = (await host.CreateNotificationAsync([alice], title: "second"))[0];
        await stream.Events.WaitForAsync(e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 2), "unread_count 2");

        var page = await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications?pageSize=1");
        page.GetProperty("items")[0].GetProperty("title").GetString().ShouldBe("second", "newest first");
        page.GetProperty("totalCount").GetInt32().ShouldBe(2);

        await host.AsUserAsync(alice, HttpMethod.Post, $"api/notifications/{first}/read");
        await host.AsUserAsync(alice, HttpMethod.Delete, $"api/notifications/{second}", HttpStatusCode.NoContent);
        await host.AsUserAsync(bob, HttpMethod.Delete, $"api/notifications/{first}", HttpStatusCode.NotFound);

        await stream.Events.WaitForEventAsync("notification_deleted");
        await stream.Events.WaitForAsync(e => e.Any(x => x.Type == "unread_count" && x.Int("count") == 0), "unread_count 0");
        (await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications/unread-count")).GetProperty("count").GetInt32().ShouldBe(0);
        (await host.AsUserAsync(bob, HttpMethod.Get, "api/notifications/unread-count")).GetProperty("count").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Invalid_input_stores_nothing_on_sqlite()
    {
        var alice = Unique.Id("alice");

        using var response = await host.SendAsync(HttpMethod.Post, "api/notifications", await host.PublisherTokenAsync(), new { userIds = new[] { alice }, title = "", message = "m" });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("title").ShouldNotBeEmpty();
        (await host.AsUserAsync(alice, HttpMethod.Get, "api/notifications")).GetProperty("totalCount").GetInt32().ShouldBe(0);
    }
}
