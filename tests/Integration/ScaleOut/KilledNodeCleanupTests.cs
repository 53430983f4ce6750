using System.Net.Http.Headers;
using System.Text.Json;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Its own cluster: these tests kill a node and count nodes.</summary>
public sealed class CleanupCluster : RedisCluster;

public sealed class KilledNodeCleanupTests(CleanupCluster cluster) : IClassFixture<CleanupCluster>
{
    [Fact]
    public async Task Global_stats_and_the_monitor_count_connections_on_both_nodes()
    {
        var user = "both-" + Guid.NewGuid().ToString("N")[..8];
        await using var onA = await cluster.A.ConnectAsync($"userId={user}");
        await using var onB = await cluster.B.ConnectAsync($"userId={user}");

        var stats = await cluster.A.WaitForStatsAsync(s => s.ClientsOf(user) == 2, "2 connections of the user across nodes", TimeSpan.FromSeconds(10));
        stats.TotalClients.ShouldBeGreaterThanOrEqualTo(2);

        var monitor = await MonitorAsync(cluster.B);
        monitor.GetProperty("handler").GetString().ShouldBe("redis");
        monitor.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("nodeId").GetString())
            .ShouldBe([cluster.A.Setting("Realtime:NodeId"), cluster.B.Setting("Realtime:NodeId")], ignoreOrder: true);
        monitor.GetProperty("local").GetProperty("connections").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        monitor.GetProperty("global").GetProperty("connections").GetInt32().ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Entries_of_a_killed_node_are_removed_by_the_cleanup_and_the_counts_drop()
    {
        var user = "victim-" + Guid.NewGuid().ToString("N")[..8];
        await using var nodeC = await BeaconProcess.StartAsync(
            ("ConnectionStrings:Redis", cluster.Redis.ConnectionString),
            ("Realtime:NodeId", "node-c-" + Guid.NewGuid().ToString("N")[..6]),
            ("Realtime:NodeHeartbeatSeconds", "1"),
            ("Auth:SigningKey", cluster.A.Setting("Auth:SigningKey")!));
        var onC = await SseClient.OpenAsync(nodeC.BaseAddress, $"api/sse?userId={user}");
        var alsoOnC = await SseClient.OpenAsync(nodeC.BaseAddress, $"api/sse?userId={user}");
        await using var _ = onC;
        await using var __ = alsoOnC;
        await onC.WaitForConnectedAsync();
        await alsoOnC.WaitForConnectedAsync();
        await cluster.A.WaitForStatsAsync(s => s.ClientsOf(user) == 2, "node C's connections in the global stats", TimeSpan.FromSeconds(10));
        (await OnlineAsync(user)).ShouldBeTrue();

        await nodeC.KillAsync();

        // Its heartbeat stops; once its keys expire the node no longer counts...
        await cluster.A.WaitForStatsAsync(s => s.ClientsOf(user) == 0, "node C gone from the global stats", TimeSpan.FromSeconds(15));

        // ...but what it wrote outside its own keys (presence) stays until the cleanup removes it.
        (await OnlineAsync(user)).ShouldBeTrue("presence is stale until cleanup");
        var report = await cluster.A.Services.GetRequiredService<IStaleEntryCleaner>().CleanAsync();

        report.NodesRemoved.ShouldBe(1);
        report.PresenceEntriesRemoved.ShouldBe(2);
        (await OnlineAsync(user)).ShouldBeFalse();
        (await MonitorAsync(cluster.A)).GetProperty("nodes").GetArrayLength().ShouldBe(2);
    }

    private async Task<bool> OnlineAsync(string user) =>
        (await cluster.A.Services.GetRequiredService<IPresenceStore>().GetOnlineAsync([user]))[user];

    private static async Task<JsonElement> MonitorAsync(BeaconHost host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/sse-monitor");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.AdminTokenAsync());
        using var response = await host.Api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
