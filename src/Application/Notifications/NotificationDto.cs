using Beacon.Domain.Notifications;

namespace Beacon.Application.Notifications;

/// <summary>A notification as the API and the <c>new_notification</c> event show it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Title">The headline.</param>
/// <param name="Message">The body.</param>
/// <param name="Kind">info, success, warning, error, message or system.</param>
/// <param name="Link">Where opening it leads, if anywhere.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ReadAt">When it was read; null while unread.</param>
public sealed record NotificationDto(Guid Id, string Title, string Message, string Kind, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    /// <summary>Whether it has been read.</summary>
    public bool IsRead => ReadAt is not null;

    /// <summary>Maps an entity.</summary>
    public static NotificationDto From(Notification notification) => new(
        notification.Id,
        notification.Title,
        notification.Message,
        KindName(notification.Kind),
        notification.Link,
        notification.CreatedAt,
        notification.ReadAt);

    /// <summary>The wire name of a kind: lower case.</summary>
    public static string KindName(NotificationKind kind) => kind.ToString().ToLowerInvariant();
}
