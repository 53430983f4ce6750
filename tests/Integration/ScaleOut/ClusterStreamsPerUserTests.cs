using System.Net;
using System.Text.Json;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Two nodes on one Redis, each with <c>Realtime:MaxStreamsPerUser</c> = 2.</summary>
public class TwoStreamsPerUserCluster : RedisCluster
{
    protected override (string Key, string Value)[] NodeSettings => [("Realtime:MaxStreamsPerUser", "2")];
}

/// <summary>
/// <c>Realtime:MaxStreamsPerUser</c> counts a user's connections on every node together: streams on one node take
/// the user's room on the other, and a node that dies gives it back once its registration expires.
/// </summary>
public sealed class ClusterStreamsPerUserTests(TwoStreamsPerUserCluster cluster) : IClassFixture<TwoStreamsPerUserCluster>
{
    [Fact]
    public async Task A_users_streams_on_one_node_count_against_the_cap_on_the_other_until_one_closes()
    {
        var user = Unique.Id("spread");
        var first = await cluster.A.ConnectAsync(Query.User(user));
        await using var second = await cluster.A.ConnectAsync(Query.User(user));
        await WaitForClusterConnectionsAsync(user, 2);

        // Anonymous mode's ?userId= is counted in admission, a bearer token's user already in the connect pipeline.
        var refused = await RefusedOnceCountedAsync(cluster.B, user);
        ShouldSayTooManyStreamsInTheCluster(refused);

        var token = await cluster.A.TokenAsync(user);
        await using (var withToken = await cluster.B.OpenStreamAsync(options: new SseOptions(Token: token)))
        {
            ShouldSayTooManyStreamsInTheCluster(await withToken.Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests));
            withToken.Response.Headers.RetryAfter?.Delta.ShouldNotBeNull("a 429 must say when to retry");
        }

        var poll = await cluster.B.PollAsync(string.Empty, token: token);
        poll.Status.ShouldBe(HttpStatusCode.TooManyRequests, poll.Body);
        ShouldSayTooManyStreamsInTheCluster(JsonDocument.Parse(poll.Body).RootElement);

        (await cluster.B.Services.GetRequiredService<IClusterView>().GetSnapshotAsync()).ConnectionsByUser.GetValueOrDefault(user)
            .ShouldBe(2, "a refused connection is not counted");

        // Once one of the user's streams on A closes, B lets the next one in.
        await first.DisposeAsync();
        await using var next = await cluster.B.OpenOnceAdmittedAsync(Query.User(user), null, "the user's slot on A never freed up on B");
        await next.Events.WaitForEventAsync("connected");
    }

    [Fact]
    public async Task A_killed_nodes_streams_stop_counting_once_its_registration_expires()
    {
        var user = Unique.Id("orphaned");
        await using var nodeC = await BeaconProcess.StartAsync(
            ("ConnectionStrings:Redis", cluster.Redis.ConnectionString),
            ("Realtime:NodeId", "node-c-" + Guid.NewGuid().ToString("N")[..6]),
            ("Realtime:NodeHeartbeatSeconds", "1"),

            // The connect window is in the shared Redis, where this cluster's other tests count too, by the same address.
            ("RateLimiting:SseConnections:PermitLimit", "100000"),
            ("Realtime:MaxStreamsPerUser", "2"),
            ("Auth:SigningKey", cluster.A.Setting("Auth:SigningKey")!));
        var onC = await SseClient.OpenAsync(nodeC.BaseAddress, $"api/sse?{Query.User(user)}");
        var alsoOnC = await SseClient.OpenAsync(nodeC.BaseAddress, $"api/sse?{Query.User(user)}");
        await using var _ = onC;
        await using var __ = alsoOnC;
        await onC.WaitForConnectedAsync();
        await alsoOnC.WaitForConnectedAsync();
        await WaitForClusterConnectionsAsync(user, 2);
        ShouldSayTooManyStreamsInTheCluster(await RefusedOnceCountedAsync(cluster.A, user));

        await nodeC.KillAsync();

        // No cleanup job runs here: the expiry of C's registration alone gives the user their room back.
        await using var admitted = await cluster.A.OpenOnceAdmittedAsync(Query.User(user), null, "a killed node's streams still count against the user");
        await admitted.Events.WaitForEventAsync("connected");
    }

    /// <summary>
    /// Opens streams of <paramref name="user"/> on <paramref name="host"/>, which holds none of theirs, until one is
    /// refused with 429, within the default deadline, and returns its problem. The user's streams elsewhere are written
    /// to Redis in the background, so the first attempts may come before they are: an attempt admitted meanwhile is
    /// closed, and the next waits until the node has let it go, so that only other nodes' streams can refuse it.
    /// </summary>
    private static async Task<JsonElement> RefusedOnceCountedAsync(BeaconHost host, string user)
    {
        var registry = host.Services.GetRequiredService<ConnectionRegistry>();
        JsonElement? problem = null;
        var refused = await Eventually.TrueAsync(async () =>
        {
            (await Eventually.TrueAsync(() => Task.FromResult(registry.CountForUser(user) == 0)))
                .ShouldBeTrue("an admitted attempt was never let go");
            await using var attempt = await host.OpenStreamAsync(Query.User(user));
            if (attempt.Response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return false;
            }

            attempt.Response.Headers.RetryAfter?.Delta.ShouldNotBeNull("a 429 must say when to retry");
            problem = await attempt.Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            return true;
        });
        refused.ShouldBeTrue("the user's streams on another node were never counted against the cap");
        return problem!.Value;
    }

    private async Task WaitForClusterConnectionsAsync(string user, int connections)
    {
        var view = cluster.B.Services.GetRequiredService<IClusterView>();
        var seen = await Eventually.TrueAsync(async () => (await view.GetSnapshotAsync()).ConnectionsByUser.GetValueOrDefault(user) == connections);
        seen.ShouldBeTrue($"the cluster never showed {connections} connections of {user}");
    }

    private static void ShouldSayTooManyStreamsInTheCluster(JsonElement problem)
    {
        problem.GetProperty("title").GetString().ShouldBe("Too many open streams.");
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldContain("Realtime:MaxStreamsPerUser");
        detail.ShouldContain("across the cluster");
    }
}

/// <summary>Its own cluster, as <see cref="TwoStreamsPerUserCluster"/>: this test stops Redis.</summary>
public sealed class StreamCapOutageCluster : TwoStreamsPerUserCluster;

/// <summary>While Redis is unreachable, the cap counts the node's own streams only (fails open) rather than refusing.</summary>
public sealed class ClusterStreamsPerUserOutageTests(StreamCapOutageCluster cluster) : IClassFixture<StreamCapOutageCluster>
{
    [Fact]
    public async Task During_a_redis_outage_a_user_is_counted_on_the_node_alone_and_not_locked_out()
    {
        var user = Unique.Id("blip");
        await using var onB = await cluster.B.ConnectAsync(Query.User(user));
        await using var alsoOnB = await cluster.B.ConnectAsync(Query.User(user));
        var view = cluster.A.Services.GetRequiredService<IClusterView>();
        (await Eventually.TrueAsync(async () => (await view.GetSnapshotAsync()).ConnectionsByUser.GetValueOrDefault(user) == 2))
            .ShouldBeTrue("the cluster never showed the user's streams on B");

        await cluster.Redis.StopAsync();
        try
        {
            // The new stream opens live only (no head to read), as every new stream does during an outage.
            await using var onA = await cluster.A.ConnectAsync(Query.User(user));
            await using var alsoOnA = await cluster.A.ConnectAsync(Query.User(user));
            await using var third = await cluster.A.OpenStreamAsync(Query.User(user));
            third.Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "the node's own streams still count");
        }
        finally
        {
            await cluster.Redis.StartAsync();
        }
    }
}
