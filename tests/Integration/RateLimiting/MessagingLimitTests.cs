using System.Net;
using Beacon.IntegrationTests.Messaging;
using Beacon.IntegrationTests.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>An embedded host with a tight chat-write limit.</summary>
public sealed class MessagingLimitedHost() : BeaconHost(("RateLimiting:Messaging:PermitLimit", "3"), ("RateLimiting:Messaging:WindowSeconds", "600"));

/// <summary>
/// <c>RateLimiting:Messaging</c>: starting conversations, sending messages, typing and setting one's presence share one
/// budget per user, so a script cannot flood members (each message fans out to all of them and into their histories).
/// </summary>
public sealed class MessagingLimitTests(MessagingLimitedHost host) : IClassFixture<MessagingLimitedHost>
{
    [Fact]
    public async Task The_chat_write_over_the_limit_is_a_429_that_stores_nothing_and_other_users_are_unaffected()
    {
        var (alice, bob) = (Unique.Id("chatty"), Unique.Id("bob"));
        var conversation = await host.StartConversationAsync(alice, bob);
        await host.SayAsync(alice, conversation, "one");
        await host.AsAsync(alice, HttpMethod.Post, $"api/conversations/{conversation}/typing", null, HttpStatusCode.Accepted);

        using var refused = await host.SendAsync(HttpMethod.Post, $"api/conversations/{conversation}/messages", await host.TokenAsync(alice, "user"), new { text = "two" });
        (await refused.ShouldBeRateLimitedAsync(limit: 3, windowSeconds: 600)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("messaging");
        using (var presence = await host.SendAsync(HttpMethod.Put, "api/presence/me", await host.TokenAsync(alice, "user"), new { status = "idle" }))
        {
            await presence.ShouldBeRateLimitedAsync(limit: 3, windowSeconds: 600);
        }

        (await host.WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversation))).ShouldBe(1);
        await host.SayAsync(bob, conversation, "bob has his own budget");

        // Reads are not chat writes.
        await host.AsAsync(alice, HttpMethod.Get, $"api/conversations/{conversation}/messages", null, HttpStatusCode.OK);
    }
}
