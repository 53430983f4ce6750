using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Beacon.IntegrationTests.Notifications;

/// <summary>The calls the notification tests make.</summary>
public static class NotificationApi
{
    /// <summary>Opens <c>GET /api/notifications/stream</c> (token in the header unless the query carries it).</summary>
    public static Task<SseClient> OpenNotificationStreamAsync(this BeaconHost host, string? token, string query = "") =>
        SseClient.OpenAsync(host.BaseAddress, "api/notifications/stream" + (query.Length == 0 ? string.Empty : "?" + query), new SseOptions(Token: token));

    /// <summary>Opens the notification stream, asserts 200 and waits for <c>connected</c> and the first <c>unread_count</c>.</summary>
    public static async Task<SseClient> ConnectNotificationsAsync(this BeaconHost host, string userId)
    {
        var client = await host.OpenNotificationStreamAsync(await host.TokenAsync(userId, "user"));
        try
        {
            client.Response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(client.Response));
            await client.WaitForConnectedAsync();
            await client.Events.WaitForEventAsync("unread_count");
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a request with a bearer token ("" for none).</summary>
    public static async Task<HttpResponseMessage> SendAsync(this BeaconHost host, HttpMethod method, string path, string token, object? body = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (rawBody is not null || body is not null)
        {
            request.Content = new StringContent(rawBody ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }

        return await host.Api.SendAsync(request);
    }

    /// <summary>Creates a notification as the test publisher, asserts 201 and returns the ids.</summary>
    public static async Task<Guid[]> CreateNotificationAsync(this BeaconHost host, string[] userIds, string title = "Hello", string message = "A message", string? kind = null, string? link = null)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/notifications", await host.PublisherTokenAsync(), new { userIds, title, message, kind, link });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("notifications").EnumerateArray().Select(n => n.GetProperty("id").GetGuid()).ToArray();
    }

    /// <summary>Sends a request as <paramref name="userId"/> (role user) and returns the parsed JSON body (asserting <paramref name="status"/>).</summary>
    public static async Task<JsonElement> AsUserAsync(this BeaconHost host, string userId, HttpMethod method, string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await host.SendAsync(method, path, await host.TokenAsync(userId, "user"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
