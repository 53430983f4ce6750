using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Bus;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime;

/// <summary>
/// The <see cref="IRealtimePublisher"/> adapter: enforces the wire contract's limits on every publish,
/// whichever path it comes from, then hands the event to the bus.
/// </summary>
internal sealed class RealtimePublisher(IEventBus bus, IOptions<RealtimeOptions> options) : IRealtimePublisher
{
    private readonly int _maxPayloadBytes = options.Value.MaxPayloadBytes;

    public int MaxPayloadBytes => _maxPayloadBytes;

    public ValueTask<string> PublishAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(realtimeEvent);
        ArgumentNullException.ThrowIfNull(audience);
        if (!EventTypeName.IsPublishable(realtimeEvent.Type))
        {
            throw new ValidationException("type", "'type' " + EventTypeName.Rule + ".");
        }

        if (realtimeEvent.Utf8Json.Length > _maxPayloadBytes)
        {
            throw new PayloadTooLargeException(realtimeEvent.Utf8Json.Length, _maxPayloadBytes);
        }

        return PublishTracedAsync(realtimeEvent, audience, cancellationToken);
    }

    private async ValueTask<string> PublishTracedAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken)
    {
        using var activity = RealtimeTracing.StartPublish(realtimeEvent.Type, audience.Kind.ToString());
        var id = await bus.PublishAsync(realtimeEvent, audience, cancellationToken);
        activity?.SetTag("beacon.event.id", id);
        return id;
    }
}
