namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>The embedded node is the whole cluster: a user holds nothing elsewhere, and nothing is asked.</summary>
internal sealed class NoOtherNodes : IUserStreamsElsewhere
{
    public ValueTask<int> CountAsync(string userId, CancellationToken cancellationToken) => ValueTask.FromResult(0);
}
