using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Messaging;

/// <summary>Calls to <c>/api/conversations</c> and <c>/api/presence</c> as a user.</summary>
internal static class MessagingApi
{
    /// <summary>Starts a conversation as <paramref name="creator"/> with <paramref name="others"/>; asserts 201.</summary>
    public static async Task<Guid> StartConversationAsync(this BeaconHost host, string creator, params string[] others)
    {
        var body = await host.AsAsync(creator, HttpMethod.Post, "api/conversations", new { title = (string?)null, memberIds = others }, HttpStatusCode.Created);
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>Posts a message; asserts 201 and returns it.</summary>
    public static Task<JsonElement> SayAsync(this BeaconHost host, string sender, Guid conversation, string text) =>
        host.AsAsync(sender, HttpMethod.Post, $"api/conversations/{conversation}/messages", new { text }, HttpStatusCode.Created);

    /// <summary>Sends a request with a body as a user and asserts the status.</summary>
    public static async Task<JsonElement> AsAsync(this BeaconHost host, string userId, HttpMethod method, string path, object? body, HttpStatusCode status)
    {
        using var response = await host.SendAsync(method, path, await host.TokenAsync(userId, "user"), body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A stream of <paramref name="userId"/>'s events.</summary>
    public static async Task<SseClient> StreamOfAsync(this BeaconHost host, string userId) =>
        await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(userId, "user")));

    /// <summary>Sends <paramref name="userId"/> a notification and waits for it: everything sent to them before it has arrived.</summary>
    public static async Task SentinelAsync(this BeaconHost host, SseClient stream, string userId)
    {
        var marker = Guid.NewGuid().ToString("N");
        await host.PublishAsync("notification", new { marker }, new { users = new[] { userId } });
        await stream.Events.WaitForEventAsync("notification", e => e.Data.Contains(marker));
    }
}
