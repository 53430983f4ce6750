using Beacon.Infrastructure.Realtime.Hub;
using Beacon.IntegrationTests.ScaleOut;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

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

    [Fact]
    public async Task A_stream_that_closes_while_redis_is_down_goes_offline_once_redis_is_back()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await cluster.A.StartConversationAsync(bob, alice);
        await using var aliceStream = await cluster.B.StreamOfAsync(alice);
        var bobStream = await cluster.A.StreamOfAsync(bob);
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "online");
        var registry = cluster.A.Services.GetRequiredService<ConnectionRegistry>();

        await cluster.Redis.StopAsync();
        try
        {
            await bobStream.DisposeAsync();
            (await Eventually.TrueAsync(() => Task.FromResult(registry.All.All(c => c.UserId != bob)), TimeSpan.FromSeconds(15)))
                .ShouldBeTrue("bob's stream never closed on A");

            // A command sent after A tried to write the removal times out after it: by then A's write has failed
            // (and is not simply waiting in the client's backlog for Redis to come back).
            var redis = cluster.A.Services.GetRequiredService<IConnectionMultiplexer>();
            await Should.ThrowAsync<RedisException>(() => redis.GetDatabase().PingAsync());
        }
        finally
        {
            await cluster.Redis.StartAsync();
        }

        // The removal A could not write is written once Redis is back, and the change is announced then.
        await aliceStream.Events.WaitForEventAsync("presence", e => e.Str("userId") == bob && e.Str("status") == "offline", TimeSpan.FromSeconds(30));
        var read = await cluster.B.AsAsync(alice, HttpMethod.Get, $"api/presence?users={bob}", null, System.Net.HttpStatusCode.OK);
        read.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("offline");
    }
}
