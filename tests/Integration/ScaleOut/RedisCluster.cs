using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>A Beacon node on the shared Redis, heartbeating every second so expiry-based tests stay quick.</summary>
public sealed class RedisNode(string redis, string nodeId, params (string Key, string Value)[] settings) : BeaconHost(
[
    ("ConnectionStrings:Redis", redis),
    ("Realtime:NodeId", nodeId),
    ("Realtime:NodeHeartbeatSeconds", "1"),
    .. settings,
]);

/// <summary>One real redis-server and two Beacon nodes on different ports sharing it.</summary>
public class RedisCluster : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public RedisNode A { get; private set; } = null!;

    public RedisNode B { get; private set; } = null!;

    /// <summary>Extra settings for both nodes; subclasses override it for the configuration their tests need.</summary>
    protected virtual (string Key, string Value)[] NodeSettings => [];

    /// <summary>Runs before the nodes start: subclasses prepare what <see cref="NodeSettings"/> points at.</summary>
    protected virtual Task BeforeNodesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await BeforeNodesAsync();
        Redis = await RedisServer.StartNewAsync();
        A = new RedisNode(Redis.ConnectionString, "node-a-" + Guid.NewGuid().ToString("N")[..6], NodeSettings);
        await A.InitializeAsync();
        B = new RedisNode(Redis.ConnectionString, "node-b-" + Guid.NewGuid().ToString("N")[..6], NodeSettings);
        await B.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)B).DisposeAsync();
        await ((IAsyncLifetime)A).DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>Reads the global sequence out of a Redis-mode id <c>{epoch}:{ms}-{seq}</c>.</summary>
public static class RedisIds
{
    public static long Sequence(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
