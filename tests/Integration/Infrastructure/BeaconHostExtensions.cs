using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>The calls tests make against a <see cref="BeaconHost"/>.</summary>
public static class BeaconHostExtensions
{
    /// <summary>
    /// Starts a host of the test's own (not a fixture), runs <paramref name="test"/> against it, and disposes it as
    /// xunit disposes a fixture: its client closed and its SQLite file deleted, which the factory's own
    /// <c>DisposeAsync</c> would leave behind.
    /// </summary>
    public static async Task<T> RunOwnAsync<THost, T>(this THost host, Func<THost, Task<T>> test)
        where THost : BeaconHost
    {
        await host.InitializeAsync();
        try
        {
            return await test(host);
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    /// <inheritdoc cref="RunOwnAsync{THost, T}"/>
    public static Task RunOwnAsync<THost>(this THost host, Func<THost, Task> test)
        where THost : BeaconHost =>
        host.RunOwnAsync(async h =>
        {
            await test(h);
            return true;
        });

    /// <summary>Opens <c>GET /api/sse?{query}</c> without asserting anything about the response.</summary>
    public static Task<SseClient> OpenStreamAsync(this BeaconHost host, string query = "", SseOptions? options = null) =>
        SseClient.OpenAsync(host.BaseAddress, "api/sse" + (query.Length == 0 ? string.Empty : "?" + query), options);

    /// <summary>Opens a stream, asserts 200 and waits for its <c>connected</c> event.</summary>
    public static async Task<SseClient> ConnectAsync(this BeaconHost host, string query = "", SseOptions? options = null)
    {
        var client = await host.OpenStreamAsync(query, options);
        try
        {
            client.Response.StatusCode.ShouldBe(HttpStatusCode.OK, await DescribeAsync(client.Response));
            return await client.WaitForConnectedAsync();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="count"/> streams concurrently.</summary>
    public static async Task<SseClient[]> ConnectManyAsync(this BeaconHost host, int count, Func<int, string> query, SseOptions? options = null)
    {
        var connecting = Enumerable.Range(0, count).Select(i => host.ConnectAsync(query(i), options)).ToArray();
        try
        {
            return await Task.WhenAll(connecting);
        }
        catch
        {
            await Task.WhenAll(connecting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.DisposeAsync().AsTask()));
            throw;
        }
    }

    /// <summary>
    /// Opens streams until one is admitted (200), as a client retrying after a refusal does, within the default
    /// deadline; fails with <paramref name="because"/> otherwise. The refused attempts are closed.
    /// </summary>
    public static async Task<SseClient> OpenOnceAdmittedAsync(this BeaconHost host, string query, SseOptions? options, string because)
    {
        SseClient? admitted = null;
        var opened = await Eventually.TrueAsync(async () =>
        {
            var attempt = await host.OpenStreamAsync(query, options);
            if (attempt.Response.StatusCode == HttpStatusCode.OK)
            {
                admitted = attempt;
                return true;
            }

            await attempt.DisposeAsync();
            return false;
        });
        opened.ShouldBeTrue(because);
        return admitted!;
    }

    /// <summary><c>POST /api/sse/ticket</c> as the holder of <paramref name="token"/>: a one-time ticket for <c>GET /api/sse?ticket=</c>.</summary>
    public static async Task<string> IssueTicketAsync(this BeaconHost host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sse/ticket");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Api.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await DescribeAsync(response));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
    }

    /// <summary><c>POST /api/events</c> with a JSON body, as the test publisher unless another token (or none: "") is given.</summary>
    public static async Task<HttpResponseMessage> PostEventAsync(this BeaconHost host, object body, string? token = null) =>
        await host.PostEventJsonAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), token);

    /// <summary><c>POST /api/events</c> with a raw body.</summary>
    public static Task<HttpResponseMessage> PostEventJsonAsync(this BeaconHost host, string json, string? token = null, string contentType = "application/json") =>
        host.PostEventContentAsync(new StringContent(json, Encoding.UTF8, contentType), token);

    /// <summary><c>POST /api/events</c> with a body of any bytes (e.g. ones no UTF-8 text can hold).</summary>
    public static async Task<HttpResponseMessage> PostEventContentAsync(this BeaconHost host, HttpContent content, string? token = null)
    {
        token ??= await host.PublisherTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = content };
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await host.Api.SendAsync(request);
    }

    /// <summary>Publishes an event, asserts 202 and returns its id.</summary>
    public static async Task<string> PublishAsync(this BeaconHost host, string type, object data, object audience)
    {
        using var response = await host.PostEventAsync(new { type, data, audience });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await DescribeAsync(response));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// The sentinel for "received nothing": publishes a broadcast marker after the events under test and waits
    /// until every client has it. Events reach a connection in id order, so anything addressed to a client
    /// before the marker has arrived by then.
    /// </summary>
    public static async Task BroadcastMarkerAndWaitAsync(this BeaconHost host, params SseClient[] clients)
    {
        var id = await host.PublishAsync("test.marker", new { marker = Guid.NewGuid() }, Audiences.All);
        await Task.WhenAll(clients.Select(c => c.Events.WaitForIdAsync(id)));
    }

    /// <summary>Ends a stream as an admin does (<c>DELETE /api/sse/clients/{id}</c>).</summary>
    public static async Task DisconnectClientAsync(this BeaconHost host, string clientId)
    {
        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Uri.EscapeDataString(clientId)}", await host.AdminTokenAsync());
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    /// <summary><c>GET /api/sse/topics/presence?topic=</c> (with <paramref name="token"/> when given): asserts 200 and returns the figures.</summary>
    public static async Task<(int Connections, int Users)> TopicPresenceAsync(this BeaconHost host, string topic, string? token = null)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"api/sse/topics/presence?topic={Uri.EscapeDataString(topic)}", token ?? "");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await DescribeAsync(response));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("topic").GetString().ShouldBe(topic);
        return (body.GetProperty("connections").GetInt32(), body.GetProperty("users").GetInt32());
    }

    /// <summary>Polls <see cref="TopicPresenceAsync"/> until it shows <paramref name="expected"/>, failing after the default timeout.</summary>
    public static async Task WaitForTopicPresenceAsync(this BeaconHost host, string topic, (int Connections, int Users) expected)
    {
        (int, int) last = default;
        var seen = await Eventually.TrueAsync(async () => (last = await host.TopicPresenceAsync(topic)) == expected);
        seen.ShouldBeTrue($"{topic} never showed {expected}; last {last}");
    }

    /// <summary><c>GET /api/sse/stats</c>.</summary>
    public static async Task<Stats> GetStatsAsync(this BeaconHost host)
    {
        var stats = await host.Api.GetFromJsonAsync<Stats>("api/sse/stats", JsonSerializerOptions.Web);
        return stats!;
    }

    /// <summary>Polls the stats until <paramref name="condition"/> holds, failing after <paramref name="within"/>.</summary>
    public static async Task<Stats> WaitForStatsAsync(this BeaconHost host, Func<Stats, bool> condition, string what, TimeSpan? within = null)
    {
        Stats? last = null;
        var ok = await Eventually.TrueAsync(async () => condition(last = await host.GetStatsAsync()), within);
        ok.ShouldBeTrue($"Stats never showed {what} within {(within ?? EventCollector.DefaultTimeout).TotalSeconds:0.#} s; last: {last}");
        return last!;
    }

    /// <summary>The status line and body of a response, for assertion messages.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        string body;
        try
        {
            body = response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? "(stream)"
                : await response.Content.ReadAsStringAsync();
        }
        catch (Exception e)
        {
            body = $"(body unreadable: {e.GetType().Name})";
        }

        return $"{(int)response.StatusCode} {response.StatusCode}: {body}";
    }
}

/// <summary>The <c>/api/sse/stats</c> response.</summary>
public sealed record Stats(
    string NodeId,
    int TotalClients,
    Dictionary<string, int> ClientsByUser,
    long AverageConnectionDuration,
    long TotalEventsSent,
    long? LastEventTime,
    long SlowConsumerDisconnects)
{
    public int ClientsOf(string userId) => ClientsByUser.GetValueOrDefault(userId);

    public override string ToString() =>
        $"{{totalClients={TotalClients}, users={ClientsByUser.Count}, avgMs={AverageConnectionDuration}, sent={TotalEventsSent}, last={LastEventTime}, slow={SlowConsumerDisconnects}}}";
}
