using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Control;

/// <summary>The embedded node's disconnects: this node is the whole cluster.</summary>
internal sealed class LocalConnectionControl(ConnectionRegistry registry) : IConnectionControl
{
    public ValueTask<int> DisconnectUserAsync(string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(registry.CloseUser(userId, CloseReason.Disconnected));

    public ValueTask<bool> DisconnectClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(CloseLocal(registry, clientId));

    /// <summary>Ends <paramref name="clientId"/> if this node holds it.</summary>
    internal static bool CloseLocal(ConnectionRegistry registry, string clientId)
    {
        var connection = registry.Find(clientId);
        connection?.Close(CloseReason.Disconnected);
        return connection is not null;
    }
}
