using Beacon.Infrastructure.Jobs;
using Beacon.IntegrationTests.ScaleOut;
using Hangfire;
using Hangfire.Redis.StackExchange;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Beacon.IntegrationTests.Jobs;

/// <summary>Its own two-node cluster on a real redis-server: Hangfire stores jobs in the nodes' Redis.</summary>
public sealed class JobsCluster : RedisCluster;

public sealed class RedisJobsTests(JobsCluster cluster) : IClassFixture<JobsCluster>
{
    [Fact]
    public async Task Both_nodes_share_one_recurring_job_in_redis_under_the_beacon_prefix()
    {
        var storageA = cluster.A.Services.GetRequiredService<JobStorage>();
        var storageB = cluster.B.Services.GetRequiredService<JobStorage>();
        storageA.ShouldBeOfType<RedisStorage>();
        storageB.ShouldBeOfType<RedisStorage>();

        var job = await JobTestSupport.WaitForRecurringJobAsync(storageB);
        job.Job.Type.ShouldBe(typeof(StaleEntryCleanupJob));
        using (var connection = storageA.GetConnection())
        {
            connection.GetRecurringJobs().Count(j => j.Id == StaleEntryCleanupJob.RecurringJobId).ShouldBe(1);
        }

        var redis = cluster.A.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        (await redis.SortedSetScoreAsync("{beacon}:hangfire:recurring-jobs", StaleEntryCleanupJob.RecurringJobId)).ShouldNotBeNull();

        // Each node runs a Hangfire server named after the node.
        var monitoring = storageA.GetMonitoringApi();
        var nodes = new[] { cluster.A.Setting("Realtime:NodeId")!, cluster.B.Setting("Realtime:NodeId")! };
        var bothServers = await Eventually.TrueAsync(() =>
            Task.FromResult(nodes.All(n => monitoring.Servers().Any(s => s.Name.StartsWith(n + ":", StringComparison.Ordinal)))));
        bothServers.ShouldBeTrue("servers: " + string.Join(", ", monitoring.Servers().Select(s => s.Name)));
    }

    [Fact]
    public async Task A_triggered_run_succeeds_and_its_report_is_readable_from_the_other_node()
    {
        var storageA = cluster.A.Services.GetRequiredService<JobStorage>();
        await JobTestSupport.WaitForRecurringJobAsync(storageA);
        var manager = (IRecurringJobManagerV2)cluster.A.Services.GetRequiredService<IRecurringJobManager>();

        var jobId = manager.TriggerJob(StaleEntryCleanupJob.RecurringJobId);

        var result = await JobTestSupport.WaitForSucceededResultAsync(cluster.B.Services.GetRequiredService<JobStorage>(), jobId);
        result.ShouldContain("\"NodesRemoved\"");
        result.ShouldContain("\"PresenceEntriesRemoved\"");
    }
}
