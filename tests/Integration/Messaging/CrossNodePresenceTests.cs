using Beacon.IntegrationTests.ScaleOut;

namespace Beacon.IntegrationTests.Messaging;

/// <summary>Two nodes on one Redis and one PostgreSQL database, as in production.</summary>
public sealed class SharedDatabaseCluster : RedisCluster
{
    private string _database = null!;

    protected override (string Key, string Value)[] NodeSettings => [("ConnectionStrings:Postgres", _database), ("Presence:OfflineGraceSeconds", "0.2")];

    protected override async Task BeforeNodesAsync() => _database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
}

/// <summary>Presence is global with Redis: a user is online while any node holds one of their connections, and each change is announced once.</summary>
public sealed class CrossNodePresenceTests(SharedDatabaseCluster cluster) : IClassFixture<SharedDatabaseCluster>
{
    [Fact]
    public async Task A_user_on_two_nodes_stays_online_until_the_last_connection_closes_and_each_change_is_announced_once()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await cluster.A.StartConversationAsync(bob, alice);
        await using var aliceStream = await cluster.A.StreamOfAsync(alice);

        var bobOnB = await cluster.B.StreamOfAsync(bob);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "online");
        var bobOnA = await cluster.A.StreamOfAsync(bob);

        // Closing B's connection leaves bob online on A: after B's re-checks (about 3 s) nothing is announced.
        await bobOnB.DisposeAsync();
        await cluster.B.WaitForStatsAsync(s => s.ClientsOf(bob) == 1, "bob's connection on B gone from the global stats");
        var read = await cluster.B.AsAsync(alice, HttpMethod.Get, $"api/presence?users={bob}", null, System.Net.HttpStatusCode.OK);
        read.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("online");

        await bobOnA.DisposeAsync();
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "offline", TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(4)); // past B's last re-check: it must not announce anything either
        await cluster.A.SentinelAsync(aliceStream, alice);

        aliceStream.Events.OfType("presence").Where(e => e.Str("userId") == bob).Select(e => e.Str("status")).ShouldBe(["online", "offline"]);
    }
}
