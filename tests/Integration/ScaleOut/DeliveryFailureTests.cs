using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Its own cluster: a failed delivery closes every stream of node A.</summary>
public sealed class DeliveryFailureCluster : RedisCluster;

/// <summary>Node A takes an event from Redis and fails to deliver it: its streams resume from the history streams.</summary>
public sealed class DeliveryFailureTests(DeliveryFailureCluster cluster) : IClassFixture<DeliveryFailureCluster>
{
    [Fact]
    public Task A_failed_delivery_closes_the_nodes_streams_and_they_resume_with_the_event() =>
        FailedDelivery.StreamResumesWithTheEventAsync(cluster.A, () => cluster.B.PublishAsync("test.failed", new { n = 1 }, Audiences.All));
}
