using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>Told about every connection this node opens and closes, so cluster-wide views stay current. Never blocks the caller.</summary>
internal interface IConnectionTracker
{
    void Connected(SseConnection connection);

    void Disconnected(SseConnection connection);
}
