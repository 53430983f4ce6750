using System.Net;
using Beacon.IntegrationTests.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Messaging;

/// <summary>Conversations and messages on PostgreSQL: members only, <c>message</c> to every member, throttled <c>typing</c>.</summary>
public sealed class ConversationsTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public static TheoryData<string, string> InvalidConversations => new()
    {
        { """{}""", "memberIds" },
        { """{"memberIds":[]}""", "memberIds" },
        { """{"memberIds":[""]}""", "memberIds" },
        { """{"memberIds":["{many51}"]}""", "memberIds" },
        { """{"memberIds":["{self}"]}""", "memberIds" },
        { """{"memberIds":["bob"],"title":"   "}""", "title" },
        { """{"memberIds":["bob"],"title":"{long101}"}""", "title" },
        { """{"memberIds":["bob"],"title":"a\u0000b\u0007"}""", "title" },
    };

    public Task InitializeAsync() => host.ResetDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_message_is_stored_and_reaches_every_member_and_nobody_else()
    {
        var (alice, bob, carol) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"));
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var bobStream = await host.StreamOfAsync(bob);
        await using var carolStream = await host.StreamOfAsync(carol);
        var conversation = await host.StartConversationAsync(alice, bob);

        var sent = await host.SayAsync(alice, conversation, "Hello bob");

        var id = sent.GetProperty("id").GetGuid();
        sent.GetProperty("senderId").GetString().ShouldBe(alice);
        sent.GetProperty("text").GetString().ShouldBe("Hello bob");
        foreach (var stream in new[] { aliceStream, bobStream })
        {
            var message = await stream.Events.WaitForEventAsync("message", e => e.Str("id") == id.ToString());
            message.Str("conversationId").ShouldBe(conversation.ToString());
            message.Str("senderId").ShouldBe(alice);
            message.Str("text").ShouldBe("Hello bob");
            message.Str("preview").ShouldBe("Hello bob");
            message.Id.ShouldNotBeNull("a message can be resumed");
        }

        await host.SentinelAsync(carolStream, carol);
        carolStream.Events.OfType("message").ShouldBeEmpty();
        (await host.WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversation))).ShouldBe(1);
    }

    [Fact]
    public async Task Conversations_and_messages_read_back_for_members_only()
    {
        var (alice, bob, carol) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"));
        var older = await host.StartConversationAsync(alice, bob);
        var newer = await host.StartConversationAsync(bob, alice, carol);
        var ids = new List<Guid>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await host.SayAsync(i % 2 == 0 ? bob : alice, older, $"m{i}")).GetProperty("id").GetGuid());
        }

        var list = await host.AsAsync(alice, HttpMethod.Get, "api/conversations", null, HttpStatusCode.OK);
        list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ShouldBe([older, newer], "most recent activity first");
        var one = await host.AsAsync(carol, HttpMethod.Get, $"api/conversations/{newer}", null, HttpStatusCode.OK);
        one.GetProperty("memberIds").EnumerateArray().Select(m => m.GetString()).ShouldBe([bob, alice, carol]);
        one.GetProperty("lastMessageAt").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);

        var latest = await host.AsAsync(bob, HttpMethod.Get, $"api/conversations/{older}/messages?limit=2", null, HttpStatusCode.OK);
        latest.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ShouldBe(["m4", "m5"]);
        var earlier = await host.AsAsync(bob, HttpMethod.Get, $"api/conversations/{older}/messages?limit=2&before={ids[3]}", null, HttpStatusCode.OK);
        earlier.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ShouldBe(["m2", "m3"]);

        await host.AsAsync(carol, HttpMethod.Get, $"api/conversations/{older}", null, HttpStatusCode.NotFound);
        await host.AsAsync(carol, HttpMethod.Get, $"api/conversations/{older}/messages", null, HttpStatusCode.NotFound);
        await host.AsAsync(alice, HttpMethod.Get, $"api/conversations/{Guid.NewGuid()}", null, HttpStatusCode.NotFound);
        await host.AsAsync(alice, HttpMethod.Get, $"api/conversations/{older}/messages?before={Guid.NewGuid()}", null, HttpStatusCode.NotFound);
        await host.AsAsync(alice, HttpMethod.Get, $"api/conversations/{older}/messages?limit=101", null, HttpStatusCode.BadRequest);
        (await host.AsAsync(carol, HttpMethod.Get, "api/conversations", null, HttpStatusCode.OK)).GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_non_member_cannot_post_and_nothing_is_stored_or_sent()
    {
        var (alice, bob, mallory) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("mallory"));
        await using var bobStream = await host.StreamOfAsync(bob);
        var conversation = await host.StartConversationAsync(alice, bob);

        using var response = await host.SendAsync(HttpMethod.Post, $"api/conversations/{conversation}/messages", await host.TokenAsync(mallory, "user"), new { text = "let me in" });
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var typing = await host.SendAsync(HttpMethod.Post, $"api/conversations/{conversation}/typing", await host.TokenAsync(mallory, "user"));
        await typing.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        await host.SentinelAsync(bobStream, bob);
        bobStream.Events.All.ShouldNotContain(e => e.Type == "message" || e.Type == "typing");
        (await host.WithDbAsync(db => db.Messages.CountAsync())).ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"text":""}""")]
    [InlineData("""{"text":"   "}""")]
    [InlineData("""{}""")]
    [InlineData("""{"text":"{long4001}"}""")]
    [InlineData("""{"text":"bell\u0007"}""")]
    [InlineData("""{"text":"nul\u0000"}""")]
    public async Task Invalid_messages_are_refused_and_nothing_is_stored(string body)
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        var conversation = await host.StartConversationAsync(alice, bob);

        using var response = await host.SendAsync(HttpMethod.Post, $"api/conversations/{conversation}/messages", await host.TokenAsync(alice, "user"), rawBody: body.Replace("{long4001}", new string('x', 4001)));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("text").ShouldNotBeEmpty();
        (await host.WithDbAsync(db => db.Messages.CountAsync())).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(InvalidConversations))]
    public async Task Invalid_conversations_are_refused_and_nothing_is_stored(string body, string field)
    {
        var alice = Unique.Id("alice");
        var json = body.Replace("{self}", alice).Replace("{long101}", new string('t', 101))
            .Replace("\"{many51}\"", string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"u{i}\"")));

        using var response = await host.SendAsync(HttpMethod.Post, "api/conversations", await host.TokenAsync(alice, "user"), rawBody: json);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
        (await host.WithDbAsync(db => db.Conversations.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_once_per_two_seconds()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var bobStream = await host.StreamOfAsync(bob);
        var conversation = await host.StartConversationAsync(alice, bob);

        for (var i = 0; i < 5; i++)
        {
            await host.AsAsync(alice, HttpMethod.Post, $"api/conversations/{conversation}/typing", null, HttpStatusCode.Accepted);
        }

        var typing = await bobStream.Events.WaitForEventAsync("typing");
        typing.Str("userId").ShouldBe(alice);
        typing.Str("conversationId").ShouldBe(conversation.ToString());
        await host.SentinelAsync(bobStream, bob);
        bobStream.Events.OfType("typing").Count.ShouldBe(1, "five calls within two seconds are one event");
        await host.SentinelAsync(aliceStream, alice);
        aliceStream.Events.OfType("typing").ShouldBeEmpty("the typist is not told about themself");
        (await host.WithDbAsync(db => db.Messages.CountAsync())).ShouldBe(0, "typing is not stored");
    }

    [Fact]
    public async Task Messaging_needs_a_signed_in_user()
    {
        using var anonymous = await host.SendAsync(HttpMethod.Get, "api/conversations", "");
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        using var noRole = await host.SendAsync(HttpMethod.Get, "api/presence?users=a", await host.TokenAsync(Unique.Id("nobody")));
        await noRole.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
