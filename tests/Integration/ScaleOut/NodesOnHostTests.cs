using Beacon.Infrastructure.Realtime.Hub;
using Beacon.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Nodes on one machine divide its cores between them: each heartbeat counts the live ones registered from it.</summary>
public sealed class NodesOnHostTests(CleanupCluster cluster) : IClassFixture<CleanupCluster>
{
    [Fact]
    public async Task Nodes_on_one_machine_count_each_other_and_a_stopped_one_stops_counting()
    {
        var third = new RedisNode(cluster.Redis.ConnectionString, "node-host-" + Guid.NewGuid().ToString("N")[..6]);
        await third.InitializeAsync();
        var registries = new[] { cluster.A, cluster.B, third }.Select(n => n.Services.GetRequiredService<ConnectionRegistry>()).ToArray();

        (await Eventually.TrueAsync(() => Task.FromResult(registries.All(r => r.NodesOnHost == 3)), TimeSpan.FromSeconds(15)))
            .ShouldBeTrue($"every node counts three on this machine (counted {string.Join(", ", registries.Select(r => r.NodesOnHost))})");
        registries.ShouldAllBe(r => r.SharesFanOut == Environment.ProcessorCount / 3 > 1);

        // A node that shuts down removes its registration: the others count without it at their next heartbeat.
        await ((IAsyncLifetime)third).DisposeAsync();
        (await Eventually.TrueAsync(() => Task.FromResult(registries[..2].All(r => r.NodesOnHost == 2)), TimeSpan.FromSeconds(15)))
            .ShouldBeTrue($"the two left count two (counted {registries[0].NodesOnHost}, {registries[1].NodesOnHost})");
        registries[..2].ShouldAllBe(r => r.SharesFanOut == Environment.ProcessorCount / 2 > 1);
    }
}
