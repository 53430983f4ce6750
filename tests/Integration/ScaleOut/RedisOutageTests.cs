using System.Net;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Its own cluster: these tests stop Redis.</summary>
public sealed class OutageCluster : RedisCluster;

public sealed class RedisOutageTests(OutageCluster cluster) : IClassFixture<OutageCluster>
{
    [Fact]
    public async Task A_client_that_leaves_while_its_connect_waits_on_a_redis_outage_leaves_no_connection_behind()
    {
        var registry = cluster.A.Services.GetRequiredService<ConnectionRegistry>();
        var counters = cluster.A.Services.GetRequiredService<RealtimeCounters>();
        var before = registry.All.Count;
        var acceptedBefore = counters.ConnectionsAccepted;
        await cluster.Redis.StopAsync();
        try
        {
            // The connect waits on Redis (the resume point) for its timeout, 2 s here; the client gives up after 1.
            using var http = new HttpClient { BaseAddress = cluster.A.BaseAddress };
            using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await Should.ThrowAsync<OperationCanceledException>(() => http.GetAsync($"api/sse?userId={Unique.Id("impatient")}", HttpCompletionOption.ResponseHeadersRead, giveUp.Token));

            // Admitted once the wait is over, with its client gone: then released, not left registered for minutes.
            (await Eventually.TrueAsync(() => Task.FromResult(counters.ConnectionsAccepted > acceptedBefore), TimeSpan.FromSeconds(30)))
                .ShouldBeTrue("the connect was never admitted");
            var released = await Eventually.TrueAsync(() => Task.FromResult(registry.All.Count == before), TimeSpan.FromSeconds(10));
            released.ShouldBeTrue($"the connection admitted after the client left is still registered ({registry.All.Count} against {before})");
        }
        finally
        {
            await cluster.Redis.StartAsync();
        }
    }

    [Fact]
    public async Task During_a_redis_outage_publishing_fails_loudly_streams_stay_open_and_nothing_accepted_is_lost()
    {
        var user = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var audience = new { users = new[] { user } };
        await using var client = await cluster.A.ConnectAsync($"userId={user}");
        var before = await cluster.B.PublishAsync("test.before", new { n = 1 }, audience);
        await client.Events.WaitForIdAsync(before);
        (await cluster.A.Api.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await cluster.Redis.StopAsync();

        using (var refused = await cluster.B.PostEventAsync(new { type = "test.refused", data = new { n = 2 }, audience }))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            refused.Headers.RetryAfter.ShouldNotBeNull();
        }

        (await cluster.A.Api.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await cluster.A.Api.GetAsync("health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The stream stays open through the outage: heartbeats keep arriving.
        var pings = client.Events.OfType("ping").Count;
        await client.Events.WaitForAsync(e => e.Count(x => x.Type == "ping") >= pings + 2, "heartbeats during the outage");
        client.Events.HasEnded.ShouldBeFalse();

        await cluster.Redis.StartAsync();

        // No restart of Beacon: publishing works again once the multiplexer has reconnected.
        string? after = null;
        var recovered = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await cluster.B.PostEventAsync(new { type = "test.after", data = new { n = 3 }, audience });
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    return false;
                }

                after = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
                return true;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        recovered.ShouldBeTrue("publishing never recovered after Redis came back");

        // The node resubscribed by itself: a stream opened now receives events live.
        await using var fresh = await cluster.A.ConnectAsync($"userId={user}");
        var live = await cluster.B.PublishAsync("test.live", new { n = 5 }, audience);
        await fresh.Events.WaitForIdAsync(live, TimeSpan.FromSeconds(15));

        // The stream that stayed open has no hole: an event published while the node's subscription was still
        // reconnecting is caught up from history, in order, before anything newer.
        await client.Events.WaitForIdAsync(live, TimeSpan.FromSeconds(15));
        client.Events.WithIds.Select(e => e.Id).ShouldBe([before, after, live]);

        // A client resuming from before the outage gets everything that was accepted, and nothing that was refused.
        var last = await cluster.A.PublishAsync("test.last", new { n = 4 }, audience);
        await using var resumed = await cluster.B.ConnectAsync($"userId={user}", new SseOptions(LastEventId: before));
        await resumed.Events.WaitForIdAsync(last, TimeSpan.FromSeconds(15));
        resumed.Events.WithIds.Select(e => e.Id).ShouldBe([after, live, last]);
        resumed.Events.OfType("test.refused").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_disconnect_that_cannot_reach_the_other_nodes_is_503_and_ends_nothing()
    {
        var user = Unique.Id("not-kicked");
        await using var onA = await cluster.A.ConnectAsync(Query.User(user));
        var admin = await cluster.A.AdminTokenAsync();
        await cluster.Redis.StopAsync();
        try
        {
            using var refused = await cluster.A.SendAsync(HttpMethod.Delete, $"api/sse/users/{user}", admin);
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            refused.Headers.RetryAfter.ShouldNotBeNull();

            var pings = onA.Events.OfType("ping").Count;
            await onA.Events.WaitForAsync(e => e.Count(x => x.Type == "ping") > pings, "a heartbeat after the refused disconnect");
            onA.Events.HasEnded.ShouldBeFalse("a refused disconnect must end nothing");
        }
        finally
        {
            await cluster.Redis.StartAsync();
        }

        // Once Redis is back, the other node hears disconnects again without a restart.
        await using var onB = await cluster.B.OpenOnceAdmittedAsync(Query.User(user), null, "no stream opened on the other node after Redis came back");
        await onB.Events.WaitForEventAsync("connected", timeout: TimeSpan.FromSeconds(15));
        var ended = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await cluster.A.SendAsync(HttpMethod.Delete, $"api/sse/users/{user}", admin);
                return response.StatusCode == HttpStatusCode.OK && onB.Events.HasEnded;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(500));
        ended.ShouldBeTrue("the stream on the other node never ended after Redis came back");
        await onA.Events.WaitForEndAsync();
    }
}
