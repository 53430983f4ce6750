using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Domain.Notifications;
using Mediator;

namespace Beacon.Application.Notifications.EventHandlers;

/// <summary>
/// After every committed change to notifications, pushes <c>unread_count {count}</c> once to each user whose
/// count changed — once per change, not per notification, so "mark all read" on fifty sends one event.
/// Runs after the per-event handlers, so a stream sees <c>new_notification</c> before the count it causes.
/// </summary>
public sealed class UnreadCountHandler(IApplicationDbContext db, IRealtimePublisher publisher) : INotificationHandler<DomainEventsCommitted>
{
    /// <inheritdoc />
    public async ValueTask Handle(DomainEventsCommitted notification, CancellationToken cancellationToken)
    {
        var users = notification.Events
            .Select(e => e switch
            {
                NotificationCreated created => created.Notification.UserId,
                NotificationRead read => read.UserId,
                NotificationDeleted { WasUnread: true } deleted => deleted.UserId,
                _ => null,
            })
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (users.Length == 0)
        {
            return;
        }

        // One query for every affected user; users with nothing unread are absent from the result.
        var counts = (await db.ToListAsync(
                db.Notifications
                    .Where(n => users.Contains(n.UserId) && n.ReadAt == null)
                    .GroupBy(n => n.UserId)
                    .Select(g => new { UserId = g.Key, Count = g.Count() }),
                cancellationToken))
            .ToDictionary(c => c.UserId, c => c.Count, StringComparer.Ordinal);

        foreach (var userId in users)
        {
            await publisher.PublishAsync(
                RealtimeEvent.Create(NotificationEventTypes.UnreadCount, new { count = counts.GetValueOrDefault(userId) }),
                Audience.User(userId),
                cancellationToken);
        }
    }
}
