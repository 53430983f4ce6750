using System.Net;

namespace Beacon.IntegrationTests.Notifications;

/// <summary>
/// The roles <c>user</c>, <c>publisher</c> and <c>admin</c>, one denial each: no token is 401, a token without
/// a Beacon role is 403 everywhere, a user may not create notifications or announce, a publisher may not announce.
/// </summary>
public sealed class RoleTests(PostgresHost host) : IClassFixture<PostgresHost>
{
    private static readonly object Notification = new { userIds = new[] { "someone" }, title = "t", message = "m" };
    private static readonly object Announcement = new { title = "t", message = "m", level = "info" };

    public static TheoryData<string, string> UserRoutes => new()
    {
        { "GET", "api/notifications" },
        { "GET", "api/notifications/unread-count" },
        { "GET", "api/notifications/stream" },
        { "GET", $"api/notifications/{Guid.Empty}" },
        { "POST", $"api/notifications/{Guid.Empty}/read" },
        { "POST", "api/notifications/read-all" },
        { "DELETE", $"api/notifications/{Guid.Empty}" },
        { "GET", "api/system/status" },
    };

    [Theory]
    [MemberData(nameof(UserRoutes))]
    public async Task Anonymous_callers_get_401(string method, string path)
    {
        using var response = await host.SendAsync(new HttpMethod(method), path, "");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(UserRoutes))]
    public async Task A_token_without_a_beacon_role_gets_403(string method, string path)
    {
        using var response = await host.SendAsync(new HttpMethod(method), path, await host.TokenAsync(Unique.Id("roleless")));

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_user_may_not_create_notifications()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/notifications", await host.TokenAsync(Unique.Id("user"), "user"), Notification);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("publisher")]
    public async Task Only_admins_may_announce(string role)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/system/announcements", await host.TokenAsync(Unique.Id(role), role), Announcement);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Anonymous_callers_may_neither_create_nor_announce()
    {
        using var create = await host.SendAsync(HttpMethod.Post, "api/notifications", "", Notification);
        using var announce = await host.SendAsync(HttpMethod.Post, "api/system/announcements", "", Announcement);

        await create.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await announce.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("publisher", "api/notifications", HttpStatusCode.Created)]
    [InlineData("admin", "api/notifications", HttpStatusCode.Created)]
    [InlineData("admin", "api/system/announcements", HttpStatusCode.Accepted)]
    public async Task The_roles_that_may_do_it_can(string role, string path, HttpStatusCode expected)
    {
        using var response = await host.SendAsync(HttpMethod.Post, path, await host.TokenAsync(Unique.Id(role), role), path.Contains("system") ? Announcement : Notification);

        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
    }
}
