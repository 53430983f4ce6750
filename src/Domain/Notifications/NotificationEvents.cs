using Beacon.Domain.Common;

namespace Beacon.Domain.Notifications;

/// <summary>A notification was created for <see cref="Notification.UserId"/>.</summary>
/// <param name="Notification">The new notification.</param>
/// <param name="OccurredAt">When it was created.</param>
public sealed record NotificationCreated(Notification Notification, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A user read one of their notifications.</summary>
/// <param name="NotificationId">The notification.</param>
/// <param name="UserId">Its owner.</param>
/// <param name="OccurredAt">When it was read.</param>
public sealed record NotificationRead(Guid NotificationId, string UserId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A notification was deleted.</summary>
/// <param name="NotificationId">The notification.</param>
/// <param name="UserId">Its owner.</param>
/// <param name="WasUnread">Whether it was still unread (so the unread count changed).</param>
/// <param name="OccurredAt">When it was deleted.</param>
public sealed record NotificationDeleted(Guid NotificationId, string UserId, bool WasUnread, DateTimeOffset OccurredAt) : IDomainEvent;
