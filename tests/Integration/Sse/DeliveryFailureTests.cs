using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.Sse;

/// <summary>Its own embedded node: a failed delivery closes every stream on it.</summary>
public sealed class DeliveryFailureHost : BeaconHost;

/// <summary>The embedded bus fails to deliver an event it accepted: the streams resume from the in-memory history, and the node delivers on.</summary>
public sealed class DeliveryFailureTests(DeliveryFailureHost host) : IClassFixture<DeliveryFailureHost>
{
    [Fact]
    public async Task A_failed_delivery_closes_the_streams_they_resume_with_the_event_and_delivery_goes_on()
    {
        await FailedDelivery.StreamResumesWithTheEventAsync(host, () => host.PublishAsync("test.failed", new { n = 1 }, Audiences.All));

        await using var later = await host.ConnectAsync($"userId=after-failure-{Guid.NewGuid():N}");
        var next = await host.PublishAsync("test.after", new { n = 2 }, Audiences.All);
        await later.Events.WaitForIdAsync(next);
    }
}
