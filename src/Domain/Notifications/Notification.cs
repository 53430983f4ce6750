using Beacon.Domain.Common;

namespace Beacon.Domain.Notifications;

/// <summary>
/// A message for one user, kept until they delete it. Creating, reading and deleting one raise domain
/// events, which the persistence layer dispatches once the change is committed.
/// </summary>
public sealed class Notification : BaseEntity<Guid>
{
    /// <summary>The longest title.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>The longest message.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>The longest link.</summary>
    public const int MaxLinkLength = 2048;

    /// <summary>The longest user id.</summary>
    public const int MaxUserIdLength = UserIds.MaxLength;

    // For EF Core.
    private Notification()
    {
        UserId = Title = Message = string.Empty;
    }

    private Notification(Guid id, string userId, string title, string message, NotificationKind kind, string? link, DateTimeOffset createdAt)
    {
        Id = id;
        UserId = userId;
        Title = title;
        Message = message;
        Kind = kind;
        Link = link;
        CreatedAt = createdAt;
    }

    /// <summary>The user the notification is for; nobody else may see it.</summary>
    public string UserId { get; private set; }

    /// <summary>A short headline.</summary>
    public string Title { get; private set; }

    /// <summary>The body text.</summary>
    public string Message { get; private set; }

    /// <summary>What the notification is about.</summary>
    public NotificationKind Kind { get; private set; }

    /// <summary>Where the user goes when they open it (a path or an http(s) URL), if anywhere.</summary>
    public string? Link { get; private set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the user read it; null while unread.</summary>
    public DateTimeOffset? ReadAt { get; private set; }

    /// <summary>Whether the user has read it.</summary>
    public bool IsRead => ReadAt is not null;

    /// <summary>Creates a notification and raises <see cref="NotificationCreated"/>.</summary>
    /// <exception cref="ArgumentException">A required value is empty or too long.</exception>
    public static Notification Create(string userId, string title, string message, NotificationKind kind, string? link, DateTimeOffset now)
    {
        Require(userId, nameof(userId), MaxUserIdLength);
        Require(title, nameof(title), MaxTitleLength);
        Require(message, nameof(message), MaxMessageLength);
        if (link is { Length: > MaxLinkLength })
        {
            throw new ArgumentException($"A link is at most {MaxLinkLength} characters.", nameof(link));
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notification kind.");
        }

        now = ToStoredPrecision(now);
        var notification = new Notification(Guid.CreateVersion7(now), userId, title, message, kind, string.IsNullOrWhiteSpace(link) ? null : link, now);
        notification.AddDomainEvent(new NotificationCreated(notification, now));
        return notification;
    }

    /// <summary>Marks the notification read and raises <see cref="NotificationRead"/>; does nothing if it already was.</summary>
    /// <returns>Whether it changed.</returns>
    public bool MarkRead(DateTimeOffset now)
    {
        if (ReadAt is not null)
        {
            return false;
        }

        ReadAt = now = ToStoredPrecision(now);
        AddDomainEvent(new NotificationRead(Id, UserId, now));
        return true;
    }

    /// <summary>Raises <see cref="NotificationDeleted"/>; call before removing the notification from its repository.</summary>
    public void MarkDeleted(DateTimeOffset now) => AddDomainEvent(new NotificationDeleted(Id, UserId, !IsRead, now));

    // PostgreSQL keeps microseconds: truncating here means what a caller is told equals what is read back later.
    private static DateTimeOffset ToStoredPrecision(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));

    private static void Require(string value, string name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
        {
            throw new ArgumentException($"'{name}' is required and at most {maxLength} characters.", name);
        }
    }
}
