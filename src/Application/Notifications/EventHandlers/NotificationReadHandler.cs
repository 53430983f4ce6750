using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Domain.Notifications;
using Mediator;

namespace Beacon.Application.Notifications.EventHandlers;

/// <summary>The Mediator notification for <see cref="NotificationRead"/>.</summary>
/// <param name="Event">The domain event.</param>
public sealed record NotificationReadNotification(NotificationRead Event) : DomainEventNotification<NotificationRead>(Event);

/// <summary>Pushes <c>notification_read {id, readAt}</c> to the owner, so their other tabs update the item.</summary>
public sealed class NotificationReadHandler(IRealtimePublisher publisher) : INotificationHandler<NotificationReadNotification>
{
    /// <inheritdoc />
    public async ValueTask Handle(NotificationReadNotification notification, CancellationToken cancellationToken)
    {
        var read = notification.Event;
        await publisher.PublishAsync(
            RealtimeEvent.Create(NotificationEventTypes.NotificationRead, new { id = read.NotificationId, readAt = read.OccurredAt }),
            Audience.User(read.UserId),
            cancellationToken);
    }
}
