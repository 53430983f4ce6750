using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// <c>DELETE /api/sse/users/{userId}</c> on one node: every stream of the user ends, over every transport, and nobody
/// else's; the clients may reconnect and resume.
/// </summary>
public sealed class DisconnectUserTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Every_stream_of_the_user_ends_and_other_users_streams_stay()
    {
        string alice = Unique.Id("kicked"), bob = Unique.Id("bystander");
        await using var first = await host.ConnectAsync(Query.User(alice));
        await using var second = await host.ConnectAsync(Query.Of(("userId", alice), ("topics", Unique.Id("t"))));
        await using var ws = await WsClient.ConnectAsync(host, Query.User(alice));
        await using var other = await host.ConnectAsync(Query.User(bob));

        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/users/{Uri.EscapeDataString(alice)}", await host.AdminTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(response));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("userId").GetString().ShouldBe(alice);
        body.GetProperty("connections").GetInt32().ShouldBe(3);
        await first.Events.WaitForEndAsync();
        await second.Events.WaitForEndAsync();
        await ws.Events.WaitForEndAsync();
        ws.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        await host.WaitForStatsAsync(s => s.ClientsOf(alice) == 0, "none of the user's connections left");

        var id = await host.PublishAsync("kick.after", new { }, Audiences.Users(bob));
        await other.Events.WaitForIdAsync(id);
        other.Events.HasEnded.ShouldBeFalse("another user's stream must stay open");
    }

    [Fact]
    public async Task The_user_reconnects_and_resumes_with_what_was_published_since()
    {
        var user = Unique.Id("comeback");
        await using var before = await host.ConnectAsync(Query.User(user));
        var seen = await host.PublishAsync("kick.before", new { }, Audiences.Users(user));
        await before.Events.WaitForIdAsync(seen);

        using (var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/users/{user}", await host.AdminTokenAsync()))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await before.Events.WaitForEndAsync();
        var missed = await host.PublishAsync("kick.missed", new { }, Audiences.Users(user));

        await using var after = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: seen));
        (await after.Events.WaitForIdAsync(missed)).Type.ShouldBe("kick.missed");
    }

    [Fact]
    public async Task A_user_with_no_streams_is_200_with_zero()
    {
        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/users/{Unique.Id("nobody")}", await host.AdminTokenAsync());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connections").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Only_an_admin_may_and_a_refused_request_ends_nothing()
    {
        var user = Unique.Id("kept");
        await using var stream = await host.ConnectAsync(Query.User(user));
        var path = $"api/sse/users/{user}";

        using (var asPublisher = await host.SendAsync(HttpMethod.Delete, path, await host.PublisherTokenAsync()))
        {
            await asPublisher.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var asTheUser = await host.SendAsync(HttpMethod.Delete, path, await host.TokenAsync(user, "user")))
        {
            await asTheUser.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var anonymous = await host.SendAsync(HttpMethod.Delete, path, ""))
        {
            await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        var id = await host.PublishAsync("kick.still-here", new { }, Audiences.Users(user));
        await stream.Events.WaitForIdAsync(id);
    }

    [Fact]
    public async Task A_user_id_longer_than_an_audience_allows_is_400_naming_userId()
    {
        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/users/{new string('u', 257)}", await host.AdminTokenAsync());
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("userId", out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task An_unknown_client_is_404()
    {
        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Unique.Id("ghost")}", await host.AdminTokenAsync());
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
