using Beacon.Domain.Common;

namespace Beacon.Domain.Analytics;

/// <summary>
/// One page view, kept for later analysis. The visitor is stored only as an opaque key (a hash), never as
/// an IP address or a raw client-chosen id.
/// </summary>
public sealed class PageView : BaseEntity<Guid>
{
    /// <summary>The longest path or referrer.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>The length of a visitor key.</summary>
    public const int VisitorKeyLength = 32;

    /// <summary>The longest user id.</summary>
    public const int MaxUserIdLength = UserIds.MaxLength;

    // For EF Core.
    private PageView()
    {
        Path = VisitorKey = string.Empty;
    }

    private PageView(Guid id, string path, string? referrer, string visitorKey, string? userId, DateTimeOffset viewedAt)
    {
        Id = id;
        Path = path;
        Referrer = referrer;
        VisitorKey = visitorKey;
        UserId = userId;
        ViewedAt = viewedAt;
    }

    /// <summary>The path that was viewed, starting with <c>/</c>.</summary>
    public string Path { get; private set; }

    /// <summary>Where the visitor came from, if the browser said.</summary>
    public string? Referrer { get; private set; }

    /// <summary>An opaque, fixed-length key identifying the visitor (hashed; see <see cref="VisitorKeyLength"/>).</summary>
    public string VisitorKey { get; private set; }

    /// <summary>The signed-in user, if the view was not anonymous.</summary>
    public string? UserId { get; private set; }

    /// <summary>When the view happened.</summary>
    public DateTimeOffset ViewedAt { get; private set; }

    /// <summary>Records a view and raises <see cref="PageViewRecorded"/>.</summary>
    /// <exception cref="ArgumentException">The path, referrer, visitor key or user id is malformed.</exception>
    public static PageView Record(string path, string? referrer, string visitorKey, string? userId, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length > MaxUrlLength)
        {
            throw new ArgumentException($"A path starts with '/' and has at most {MaxUrlLength} characters.", nameof(path));
        }

        if (referrer is not null && (referrer.Length == 0 || referrer.Length > MaxUrlLength))
        {
            throw new ArgumentException($"A referrer has 1 to {MaxUrlLength} characters.", nameof(referrer));
        }

        if (visitorKey is null || visitorKey.Length != VisitorKeyLength)
        {
            throw new ArgumentException($"A visitor key has exactly {VisitorKeyLength} characters.", nameof(visitorKey));
        }

        if (userId is not null && (userId.Length == 0 || userId.Length > MaxUserIdLength))
        {
            throw new ArgumentException($"A user id has 1 to {MaxUserIdLength} characters.", nameof(userId));
        }

        var view = new PageView(Guid.CreateVersion7(now), path, referrer, visitorKey, userId, now);
        view.AddDomainEvent(new PageViewRecorded(view.Id, path, visitorKey, now));
        return view;
    }
}
