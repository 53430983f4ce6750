using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Domain.Notifications;
using Mediator;

namespace Beacon.Application.Notifications.EventHandlers;

/// <summary>The Mediator notification for <see cref="NotificationDeleted"/>.</summary>
/// <param name="Event">The domain event.</param>
public sealed record NotificationDeletedNotification(NotificationDeleted Event) : DomainEventNotification<NotificationDeleted>(Event);

/// <summary>Pushes <c>notification_deleted {id}</c> to the owner.</summary>
public sealed class NotificationDeletedHandler(IRealtimePublisher publisher) : INotificationHandler<NotificationDeletedNotification>
{
    /// <inheritdoc />
    public async ValueTask Handle(NotificationDeletedNotification notification, CancellationToken cancellationToken)
    {
        var deleted = notification.Event;
        await publisher.PublishAsync(
            RealtimeEvent.Create(NotificationEventTypes.NotificationDeleted, new { id = deleted.NotificationId }),
            Audience.User(deleted.UserId),
            cancellationToken);
    }
}
