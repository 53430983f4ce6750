using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Bus;

/// <summary>
/// Accepts an event (stores it in history and assigns its id) and carries it to every node's registry.
/// The in-process bus serves one node; a Redis bus serves many.
/// </summary>
internal interface IEventBus
{
    /// <summary>Stores and publishes the event; completes once it is stored, never waiting on clients.</summary>
    ValueTask<string> PublishAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken);
}
