namespace Beacon.Application.Notifications;

/// <summary>The notification module's event names, as the seed's notification stream uses them. Documented in docs/events.md.</summary>
public static class NotificationEventTypes
{
    /// <summary><c>{count}</c>: the user's unread count, on connect and after every change.</summary>
    public const string UnreadCount = "unread_count";

    /// <summary>A notification was created for the user: the notification as the REST API returns it.</summary>
    public const string NewNotification = "new_notification";

    /// <summary><c>{id, readAt}</c>: the user read a notification (keeps the user's other tabs in step).</summary>
    public const string NotificationRead = "notification_read";

    /// <summary><c>{id}</c>: a notification of the user was deleted.</summary>
    public const string NotificationDeleted = "notification_deleted";

    /// <summary><c>{timestamp}</c>: the notification stream's keep-alive (the general stream's is <c>ping</c>).</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>The events <c>GET /api/notifications/stream</c> carries (besides <c>connected</c> and <c>heartbeat</c>).</summary>
    public static readonly IReadOnlySet<string> Stream = new HashSet<string>(StringComparer.Ordinal)
    {
        UnreadCount, NewNotification, NotificationRead, NotificationDeleted,
    };
}
