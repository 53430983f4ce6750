using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Analytics;

/// <summary>Calls to <c>/api/analytics</c> and a stream on the <c>analytics</c> topic.</summary>
internal static class AnalyticsApi
{
    /// <summary>Posts a page view anonymously (or with <paramref name="token"/>) and returns the response.</summary>
    public static Task<HttpResponseMessage> PostPageViewAsync(this BeaconHost host, object body, string? token = null) =>
        host.SendAsync(HttpMethod.Post, "api/analytics/pageview", token ?? "", body);

    /// <summary>Posts a page view and asserts 202.</summary>
    public static async Task ViewAsync(this BeaconHost host, string path, string? visitorId = null, string? referrer = null, string? token = null)
    {
        using var response = await host.PostPageViewAsync(new { path, referrer, visitorId }, token);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The admin snapshot.</summary>
    public static async Task<JsonElement> LiveAsync(this BeaconHost host)
    {
        using var response = await host.SendAsync(HttpMethod.Get, "api/analytics/live", await host.AdminTokenAsync());
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A dashboard's stream: a signed-in user on the <c>analytics</c> topic.</summary>
    public static async Task<SseClient> WatchAnalyticsAsync(this BeaconHost host) =>
        await host.ConnectAsync("topics=analytics", new SseOptions(Token: await host.TokenAsync(Unique.Id("dashboard"), "user")));

    /// <summary>Waits for a <c>visitors</c> event with <paramref name="count"/>.</summary>
    public static Task<ReceivedEvent> WaitForVisitorsAsync(this SseClient stream, long count) =>
        stream.Events.WaitForEventAsync("visitors", e => e.Json.GetProperty("count").GetInt64() == count, TimeSpan.FromSeconds(15));
}
