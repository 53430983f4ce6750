using Beacon.Application.Realtime;

namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// The port through which the application pushes events to connected clients. An implementation
/// assigns the event its id, stores it in history (so a reconnecting client can replay it) and fans
/// it out to every node; it completes once the event is stored, never waiting on a client.
/// </summary>
public interface IRealtimePublisher
{
    /// <summary>Publishes <paramref name="realtimeEvent"/> to <paramref name="audience"/>.</summary>
    /// <returns>The id assigned to the event (the SSE <c>id:</c> a client sees).</returns>
    /// <exception cref="Exceptions.ValidationException">The event type name is not valid.</exception>
    /// <exception cref="Exceptions.PayloadTooLargeException">The payload exceeds the configured limit.</exception>
    /// <exception cref="Exceptions.ServiceUnavailableException">The event could not be stored; nothing was sent.</exception>
    ValueTask<string> PublishAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken = default);

    /// <summary>
    /// The largest payload, in UTF-8 bytes, <see cref="PublishAsync"/> accepts; a batch checks every event against it
    /// before it publishes any. No limit unless the implementation says.
    /// </summary>
    int MaxPayloadBytes => int.MaxValue;
}
