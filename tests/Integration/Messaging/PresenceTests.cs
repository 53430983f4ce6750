using Beacon.IntegrationTests.Notifications;

using System.Net;

namespace Beacon.IntegrationTests.Messaging;

/// <summary>Presence on PostgreSQL: derived from connections, sent as <c>presence</c> to contacts only, readable by contacts only.</summary>
public sealed class PresenceTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Contacts_see_a_user_come_online_and_go_offline_and_strangers_see_nothing()
    {
        var (alice, bob, carol) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"));
        await host.StartConversationAsync(bob, alice);
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var carolStream = await host.StreamOfAsync(carol);

        var bobStream = await host.StreamOfAsync(bob);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "online");
        await bobStream.DisposeAsync();
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "offline");

        aliceStream.Events.OfType("presence").Where(e => e.Str("userId") == bob).Select(e => e.Str("status")).ShouldBe(["online", "offline"]);
        await host.SentinelAsync(carolStream, carol);
        carolStream.Events.OfType("presence").ShouldBeEmpty("carol shares no conversation with bob");
    }

    [Fact]
    public async Task Users_coming_online_together_are_each_announced_to_their_own_contacts()
    {
        var (alice, carol) = (Unique.Id("alice"), Unique.Id("carol"));
        var (bob, dave, frank) = (Unique.Id("bob"), Unique.Id("dave"), Unique.Id("frank"));
        await host.StartConversationAsync(bob, alice);
        await host.StartConversationAsync(dave, carol);
        await host.StartConversationAsync(frank, alice, carol);
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var carolStream = await host.StreamOfAsync(carol);

        // Connected together, so they are usually evaluated (and their contacts looked up) in one batch, but they may
        // fall into two: wait for every expected announcement, then check nobody got another user's.
        var streams = await Task.WhenAll(host.StreamOfAsync(bob), host.StreamOfAsync(dave), host.StreamOfAsync(frank));
        try
        {
            foreach (var (stream, user) in new[] { (aliceStream, bob), (aliceStream, frank), (carolStream, dave), (carolStream, frank) })
            {
                await stream.Events.WaitForEventAsync("presence", e => e.Str("userId") == user);
            }

            await host.SentinelAsync(aliceStream, alice);
            await host.SentinelAsync(carolStream, carol);

            // alice and carol also share frank's conversation, so they may see each other: only the batch is checked.
            OnlineUsersSeenBy(aliceStream).Intersect([bob, dave, frank]).ShouldBe([bob, frank], ignoreOrder: true);
            OnlineUsersSeenBy(carolStream).Intersect([bob, dave, frank]).ShouldBe([dave, frank], ignoreOrder: true);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        static string?[] OnlineUsersSeenBy(SseClient stream) =>
            stream.Events.OfType("presence").Where(e => e.Str("status") == "online").Select(e => e.Str("userId")).ToArray();
    }

    [Fact]
    public async Task A_second_connection_of_an_online_user_announces_nothing()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await host.StartConversationAsync(bob, alice);
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var first = await host.StreamOfAsync(bob);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob);

        await using (await host.StreamOfAsync(bob))
        {
            await host.SentinelAsync(aliceStream, alice);
        }

        // The second tab closed while the first stays: still online, so nothing more is announced.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await host.SentinelAsync(aliceStream, alice);
        aliceStream.Events.OfType("presence").Count(e => e.Str("userId") == bob).ShouldBe(1);
    }

    [Fact]
    public async Task Idle_is_reported_by_the_client_and_announced()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await host.StartConversationAsync(bob, alice);
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var bobStream = await host.StreamOfAsync(bob);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "online");

        await host.AsAsync(bob, HttpMethod.Put, "api/presence/me", new { status = "idle" }, HttpStatusCode.NoContent);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "idle");
        var read = await host.AsAsync(alice, HttpMethod.Get, $"api/presence?users={bob}", null, HttpStatusCode.OK);
        read.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("idle");

        await host.AsAsync(bob, HttpMethod.Put, "api/presence/me", new { status = "online" }, HttpStatusCode.NoContent);
        await aliceStream.Events.WaitForAsync(
            events => events.Count(e => e.Type == "presence" && e.Str("userId") == bob && e.Str("status") == "online") == 2,
            "bob online again after idle");
        aliceStream.Events.OfType("presence").Where(e => e.Str("userId") == bob).Select(e => e.Str("status")).ShouldBe(["online", "idle", "online"]);
    }

    [Fact]
    public async Task Presence_reads_show_contacts_and_self_and_unknown_for_strangers()
    {
        var (alice, bob, carol, dave) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"), Unique.Id("dave"));
        var conversation = await host.StartConversationAsync(alice, bob, dave);
        await host.SayAsync(bob, conversation, "hi");
        await host.SayAsync(dave, conversation, "hello");
        await using var bobStream = await host.StreamOfAsync(bob);
        await using var carolStream = await host.StreamOfAsync(carol);

        var read = await host.AsAsync(alice, HttpMethod.Get, $"api/presence?users={bob},{carol},{dave},{alice}", null, HttpStatusCode.OK);

        read.GetProperty("items").EnumerateArray().Select(p => (p.GetProperty("userId").GetString(), p.GetProperty("status").GetString()))
            .ShouldBe([(bob, "online"), (carol, "unknown"), (dave, "offline"), (alice, "offline")]);
        var asAdmin = await host.SendAsync(HttpMethod.Get, $"api/presence?users={carol}", await host.AdminTokenAsync());
        (await asAdmin.Content.ReadAsStringAsync()).ShouldContain("\"online\"");
    }

    [Fact]
    public async Task Adding_a_stranger_to_a_conversation_shows_nothing_of_them_until_they_write_in_it()
    {
        var (mallory, victim, friend) = (Unique.Id("mallory"), Unique.Id("victim"), Unique.Id("friend"));
        await host.StartConversationAsync(victim, friend);
        var conversation = await host.StartConversationAsync(mallory, victim);
        await using var malloryStream = await host.StreamOfAsync(mallory);
        await using var friendStream = await host.StreamOfAsync(friend);

        // The victim comes online: the friend they started a conversation with is told; mallory, who added them, is not.
        var victimStream = await host.StreamOfAsync(victim);
        await friendStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == victim && e.Str("status") == "online");
        await host.SentinelAsync(malloryStream, mallory);
        malloryStream.Events.OfType("presence").ShouldBeEmpty("the victim never wrote to mallory");
        await ShouldReadAsync(mallory, victim, "unknown");
        await ShouldReadAsync(friend, victim, "online");

        // The victim writes back: from then on mallory is a contact, able to read changes and told of them.
        await host.SayAsync(victim, conversation, "who are you?");
        await ShouldReadAsync(mallory, victim, "online");
        await victimStream.DisposeAsync();
        await malloryStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == victim && e.Str("status") == "offline");
    }

    private async Task ShouldReadAsync(string reader, string user, string status)
    {
        var read = await host.AsAsync(reader, HttpMethod.Get, $"api/presence?users={user}", null, HttpStatusCode.OK);
        read.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe(status);
    }

    [Theory]
    [InlineData("api/presence", null)]
    [InlineData("api/presence?users=", null)]
    [InlineData("api/presence?users={many101}", null)]
    [InlineData("api/presence/me", """{"status":"offline"}""")]
    [InlineData("api/presence/me", """{"status":"away"}""")]
    [InlineData("api/presence/me", """{}""")]
    public async Task Invalid_presence_requests_are_400_problems(string path, string? body)
    {
        var url = path.Replace("{many101}", string.Join(",", Enumerable.Range(0, 101).Select(i => $"u{i}")));

        using var response = await host.SendAsync(body is null ? HttpMethod.Get : HttpMethod.Put, url, await host.TokenAsync(Unique.Id("alice"), "user"), rawBody: body);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
