using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// <c>GET /api/sse/topics/presence?topic=</c>: a topic's open connections and distinct users, following connects and
/// disconnects; a private topic's figures only for a caller who may subscribe to it.
/// </summary>
public sealed class TopicPresenceTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Counts_the_topics_connections_on_every_transport_and_their_distinct_users()
    {
        var room = Unique.Id("room");
        string alice = Unique.Id("alice"), bob = Unique.Id("bob");
        await using var aliceTab1 = await host.ConnectAsync(Query.Of(("userId", alice), ("topics", room)));
        await using var aliceTab2 = await host.ConnectAsync(Query.Of(("userId", alice), ("topics", $"{Unique.Id("other")},{room}")));
        await using var bobWs = await WsClient.ConnectAsync(host, Query.Of(("userId", bob), ("topics", room)));
        await using var anonymous = await host.ConnectAsync(Query.Of(("topics", room)));
        await using var elsewhere = await host.ConnectAsync(Query.Of(("userId", Unique.Id("carol")), ("topics", Unique.Id("lobby"))));

        (await host.TopicPresenceAsync(room)).ShouldBe((4, 2));

        await aliceTab1.DisposeAsync();
        await host.WaitForTopicPresenceAsync(room, (3, 2));
        await aliceTab2.DisposeAsync();
        await host.WaitForTopicPresenceAsync(room, (2, 1));
        (await host.TopicPresenceAsync(Unique.Id("empty"))).ShouldBe((0, 0));
    }

    [Fact]
    public async Task A_private_topics_figures_need_a_grant_and_a_refusal_names_the_topic()
    {
        var secret = "private:" + Unique.Id("board");
        var user = Unique.Id("member");
        await using var member = await host.ConnectAsync(Query.Of(("topics", secret)), new SseOptions(Token: await host.TokenWithTopicsAsync(user, [secret])));

        using (var outsider = await host.SendAsync(HttpMethod.Get, Path(secret), await host.TokenAsync(Unique.Id("outsider"), "user")))
        {
            var problem = await outsider.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            problem.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldBe([secret]);
        }

        using (var anonymous = await host.Api.GetAsync(Path(secret)))
        {
            await anonymous.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        (await host.TopicPresenceAsync(secret, await host.TokenWithTopicsAsync(Unique.Id("granted"), ["private:*"]))).ShouldBe((1, 1));
        (await host.TopicPresenceAsync(secret, await host.AdminTokenAsync())).ShouldBe((1, 1));
    }

    [Theory]
    [InlineData("api/sse/topics/presence")]
    [InlineData("api/sse/topics/presence?topic=")]
    [InlineData("api/sse/topics/presence?topic=a&topic=b")]
    public async Task A_missing_repeated_or_empty_topic_is_400_naming_topic(string path)
    {
        using var response = await host.Api.GetAsync(path);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("topic", out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_topic_longer_than_a_stream_may_name_is_400() =>
        await (await host.Api.GetAsync(Path(new string('t', 257)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

    [Fact]
    public async Task An_invalid_token_is_401_even_in_anonymous_mode()
    {
        using var response = await host.SendAsync(HttpMethod.Get, Path("news"), "not-a-token");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static string Path(string topic) => $"api/sse/topics/presence?topic={Uri.EscapeDataString(topic)}";
}
