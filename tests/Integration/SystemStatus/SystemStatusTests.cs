using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.SystemStatus;

/// <summary>Announcements reach everyone as <c>system</c>; the status shows each component's health, on PostgreSQL.</summary>
public sealed class SystemStatusTests(PostgresHost host) : IClassFixture<PostgresHost>
{
    [Fact]
    public async Task An_announcement_reaches_every_stream_as_a_system_event()
    {
        await using var alice = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(Unique.Id("alice"), "user")));
        await using var anonymous = await host.ConnectAsync();

        using var response = await host.SendAsync(HttpMethod.Post, "api/system/announcements", await host.AdminTokenAsync(), new { title = "Maintenance", message = "Tonight at 22:00", level = "warning" });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        foreach (var stream in new[] { alice, anonymous })
        {
            var system = await stream.Events.WaitForIdAsync(id);
            system.Type.ShouldBe("system");
            system.Str("category").ShouldBe("announcement");
            system.Str("title").ShouldBe("Maintenance");
            system.Str("message").ShouldBe("Tonight at 22:00");
            system.Str("level").ShouldBe("warning");
        }
    }

    [Theory]
    [InlineData("""{"title":"","message":"m"}""", "title")]
    [InlineData("""{"title":"t","message":""}""", "message")]
    [InlineData("""{"title":"t","message":"m","level":"error"}""", "level")]
    [InlineData("""{"title":"t","message":"m","level":"loud"}""", "level")]
    public async Task An_invalid_announcement_is_a_400_problem_and_sends_nothing(string body, string field)
    {
        await using var stream = await host.ConnectAsync();

        using var response = await host.SendAsync(HttpMethod.Post, "api/system/announcements", await host.AdminTokenAsync(), rawBody: body);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
        await host.BroadcastMarkerAndWaitAsync(stream);
        stream.Events.OfType("system").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_status_lists_each_component_and_only_admins_see_details()
    {
        var asUser = await host.AsUserAsync(Unique.Id("alice"), HttpMethod.Get, "api/system/status");
        using var adminResponse = await host.SendAsync(HttpMethod.Get, "api/system/status", await host.AdminTokenAsync());
        var asAdmin = await adminResponse.Content.ReadFromJsonAsync<JsonElement>();

        asUser.GetProperty("status").GetString().ShouldBe("healthy");
        var database = asUser.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        database.GetProperty("status").GetString().ShouldBe("healthy");
        database.GetProperty("description").ValueKind.ShouldBe(JsonValueKind.Null);
        asAdmin.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ShouldContain("database");
    }
}
