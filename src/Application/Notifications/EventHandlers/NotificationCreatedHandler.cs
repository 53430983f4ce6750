using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Domain.Notifications;
using Mediator;

namespace Beacon.Application.Notifications.EventHandlers;

/// <summary>The Mediator notification for <see cref="NotificationCreated"/>.</summary>
/// <param name="Event">The domain event.</param>
public sealed record NotificationCreatedNotification(NotificationCreated Event) : DomainEventNotification<NotificationCreated>(Event);

/// <summary>Pushes <c>new_notification</c> to the owner's streams (every tab and device, and the notification stream).</summary>
public sealed class NotificationCreatedHandler(IRealtimePublisher publisher) : INotificationHandler<NotificationCreatedNotification>
{
    /// <inheritdoc />
    public async ValueTask Handle(NotificationCreatedNotification notification, CancellationToken cancellationToken)
    {
        var created = notification.Event.Notification;
        await publisher.PublishAsync(
            RealtimeEvent.Create(NotificationEventTypes.NewNotification, NotificationDto.From(created)),
            Audience.User(created.UserId),
            cancellationToken);
    }
}
