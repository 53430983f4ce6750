using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Across nodes: disconnects asked of one node end streams on the other, and topic presence counts both (each user once).</summary>
public sealed class ClusterConnectionsTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task Disconnecting_a_user_on_one_node_ends_their_streams_on_every_node()
    {
        string user = Unique.Id("everywhere"), bystander = Unique.Id("bystander");
        await using var onA = await cluster.A.ConnectAsync(Query.User(user));
        await using var onB = await cluster.B.ConnectAsync(Query.User(user));
        await using var wsOnB = await WsClient.ConnectAsync(cluster.B, Query.User(user));
        await using var otherOnB = await cluster.B.ConnectAsync(Query.User(bystander));
        await WaitForRegisteredAsync(user, 3);

        using var response = await cluster.A.SendAsync(HttpMethod.Delete, $"api/sse/users/{user}", await cluster.A.AdminTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(response));
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connections").GetInt32().ShouldBe(3);
        await onA.Events.WaitForEndAsync();
        await onB.Events.WaitForEndAsync();
        await wsOnB.Events.WaitForEndAsync();
        var id = await cluster.A.PublishAsync("kick.after", new { }, Audiences.Users(bystander));
        await otherOnB.Events.WaitForIdAsync(id);
        otherOnB.Events.HasEnded.ShouldBeFalse("another user's stream must stay open");
    }

    [Fact]
    public async Task Disconnecting_a_client_held_by_the_other_node_ends_it_and_an_unknown_one_is_404()
    {
        var user = Unique.Id("remote");
        await using var onB = await cluster.B.ConnectAsync(Query.User(user));
        await using var stays = await cluster.B.ConnectAsync(Query.User(user));
        await WaitForRegisteredAsync(user, 2);

        await cluster.A.DisconnectClientAsync(onB.ClientId);

        await onB.Events.WaitForEndAsync();
        var id = await cluster.A.PublishAsync("kick.after", new { }, Audiences.Users(user));
        await stays.Events.WaitForIdAsync(id);
        stays.Events.HasEnded.ShouldBeFalse("only the named client ends");

        using var unknown = await cluster.A.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Unique.Id("ghost")}", await cluster.A.AdminTokenAsync());
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Topic_presence_sums_connections_counts_a_user_on_two_nodes_once_and_follows_a_node_whose_streams_end()
    {
        string room = Unique.Id("room"), alice = Unique.Id("alice"), bob = Unique.Id("bob");
        await using var aliceOnA = await cluster.A.ConnectAsync(Query.Of(("userId", alice), ("topics", room)));
        var onB = new[]
        {
            await cluster.B.ConnectAsync(Query.Of(("userId", alice), ("topics", room))),
            await cluster.B.ConnectAsync(Query.Of(("userId", bob), ("topics", room))),
            await cluster.B.ConnectAsync(Query.Of(("topics", room))),
        };

        // Connections are summed; users are distinct over the cluster: alice has a stream on each node and counts once.
        await cluster.A.WaitForTopicPresenceAsync(room, (4, 2));
        await cluster.B.WaitForTopicPresenceAsync(room, (4, 2));

        foreach (var client in onB)
        {
            await client.DisposeAsync();
        }

        await cluster.A.WaitForTopicPresenceAsync(room, (1, 1));
    }

    [Fact]
    public async Task Topic_presence_forgets_the_users_of_a_killed_node_once_its_registration_expires()
    {
        string room = Unique.Id("room"), alice = Unique.Id("alice"), bob = Unique.Id("bob");
        await using var nodeC = await BeaconProcess.StartAsync(
            ("ConnectionStrings:Redis", cluster.Redis.ConnectionString),
            ("Realtime:NodeId", "node-c-" + Guid.NewGuid().ToString("N")[..6]),
            ("Realtime:NodeHeartbeatSeconds", "1"),

            // The connect window is in the shared Redis, where this cluster's other tests count too, by the same address.
            ("RateLimiting:SseConnections:PermitLimit", "100000"),
            ("Auth:SigningKey", cluster.A.Setting("Auth:SigningKey")!));
        await using var aliceOnA = await cluster.A.ConnectAsync(Query.Of(("userId", alice), ("topics", room)));
        await using var aliceOnC = await SseClient.OpenAsync(nodeC.BaseAddress, "api/sse?" + Query.Of(("userId", alice), ("topics", room)));
        await using var bobOnC = await SseClient.OpenAsync(nodeC.BaseAddress, "api/sse?" + Query.Of(("userId", bob), ("topics", room)));
        aliceOnC.Response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(aliceOnC.Response));
        bobOnC.Response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(bobOnC.Response));
        await aliceOnC.WaitForConnectedAsync();
        await bobOnC.WaitForConnectedAsync();
        await cluster.B.WaitForTopicPresenceAsync(room, (3, 2));

        await nodeC.KillAsync();

        // No cleanup job runs: C's topics and their users stop counting when its registration expires.
        await cluster.B.WaitForTopicPresenceAsync(room, (1, 1));
    }

    /// <summary>Registrations are written in the background; the count a disconnect reports comes from them.</summary>
    private async Task WaitForRegisteredAsync(string user, int connections)
    {
        var view = cluster.A.Services.GetRequiredService<IClusterView>();
        var seen = await Eventually.TrueAsync(async () => (await view.GetSnapshotAsync()).ConnectionsByUser.GetValueOrDefault(user) == connections);
        seen.ShouldBeTrue($"the cluster never showed {connections} connections of {user}");
    }
}
