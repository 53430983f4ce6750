using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>A waiting long-poll is a connection of the cluster: counted in every node's stats while it waits, not after.</summary>
public sealed class LongPollClusterTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task A_waiting_poll_on_one_node_counts_in_the_other_nodes_stats_until_it_returns()
    {
        var user = "poller-" + Guid.NewGuid().ToString("N")[..8];
        var poll = cluster.A.PollAsync(Query.User(user), wait: 20);

        await cluster.B.WaitForStatsAsync(s => s.ClientsOf(user) == 1, $"{user}'s waiting poll on node A");
        var id = await cluster.B.PublishAsync("test.poll", new { n = 1 }, new { users = new[] { user } });
        var answer = await poll;

        answer.Events.Select(e => e.Id).ShouldBe([id]);
        await cluster.B.WaitForStatsAsync(s => s.ClientsOf(user) == 0, $"{user} gone once the poll returned");
    }
}
