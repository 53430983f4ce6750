using System.Net;

namespace Beacon.IntegrationTests.Messaging;

/// <summary>Messaging and presence on the embedded default (SQLite, in-memory presence).</summary>
public sealed class SqliteMessagingSmokeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Chat_with_typing_and_presence_works_on_sqlite()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        var conversation = await host.StartConversationAsync(bob, alice);
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var bobStream = await host.StreamOfAsync(bob);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "online");

        await host.AsAsync(bob, HttpMethod.Post, $"api/conversations/{conversation}/typing", null, HttpStatusCode.Accepted);
        await aliceStream.Events.WaitForEventAsync("typing", e => e.Str("userId") == bob);
        await host.SayAsync(bob, conversation, "hi alice");
        await aliceStream.Events.WaitForEventAsync("message", e => e.Str("text") == "hi alice");

        var messages = await host.AsAsync(alice, HttpMethod.Get, $"api/conversations/{conversation}/messages", null, HttpStatusCode.OK);
        messages.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ShouldBe(["hi alice"]);
    }
}
