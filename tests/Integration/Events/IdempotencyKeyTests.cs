using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Beacon.IntegrationTests.Events;

/// <summary>
/// <c>POST /api/events</c> with an <c>Idempotency-Key</c>: a publisher that retries after a timeout gets the first
/// request's id, and subscribers get the event once.
/// </summary>
public sealed class IdempotencyKeyTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task A_retry_with_the_key_gets_the_same_id_and_the_event_is_delivered_once()
    {
        var user = Unique.Id("idem");
        await using var reader = await host.ConnectAsync(Query.User(user));
        var key = Guid.NewGuid().ToString();
        var body = new { type = "order.paid", data = new { order = 42 }, audience = new { users = new[] { user } } };

        using var first = await PostAsync(host, body, key, await host.PublisherTokenAsync());
        using var retry = await PostAsync(host, body, key, await host.PublisherTokenAsync());

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        retry.StatusCode.ShouldBe(HttpStatusCode.Accepted, await retry.Content.ReadAsStringAsync());
        var id = await IdOf(first);
        (await IdOf(retry)).ShouldBe(id);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);

        await reader.Events.WaitForIdAsync(id);
        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.OfType("order.paid").Select(e => e.Id).ShouldBe([id]);
    }

    [Fact]
    public async Task The_key_with_another_event_is_a_400_and_publishes_nothing()
    {
        var user = Unique.Id("idem-other");
        await using var reader = await host.ConnectAsync(Query.User(user));
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(host, new { type = "order.paid", data = new { order = 1 }, audience = new { users = new[] { user } } }, key, await host.PublisherTokenAsync());
        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        using var reused = await PostAsync(host, new { type = "order.paid", data = new { order = 2 }, audience = new { users = new[] { user } } }, key, await host.PublisherTokenAsync());
        (await reused.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("Idempotency-Key").ShouldNotBeEmpty();

        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.OfType("order.paid").Count.ShouldBe(1);
    }

    internal static async Task<HttpResponseMessage> PostAsync(BeaconHost node, object body, string key, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", key);
        return await node.Api.SendAsync(request);
    }

    internal static async Task<string> IdOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
