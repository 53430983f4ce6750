using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Queries.GetNotifications;

/// <summary>The caller's notifications, newest first: <c>GET /api/notifications?page=&amp;pageSize=&amp;unreadOnly=</c>.</summary>
/// <param name="Page">1-based page number (default 1).</param>
/// <param name="PageSize">Items per page, 1-100 (default 20).</param>
/// <param name="UnreadOnly">Only unread notifications.</param>
public sealed record GetNotificationsQuery(int? Page = null, int? PageSize = null, bool? UnreadOnly = null) : IQuery<NotificationPage>;

/// <summary>One page of notifications.</summary>
/// <param name="Items">The page, newest first.</param>
/// <param name="Page">The page number.</param>
/// <param name="PageSize">The page size.</param>
/// <param name="TotalCount">How many notifications match in all.</param>
/// <param name="UnreadCount">How many of the caller's notifications are unread.</param>
public sealed record NotificationPage(IReadOnlyList<NotificationDto> Items, int Page, int PageSize, int TotalCount, int UnreadCount);

/// <summary>Handles <see cref="GetNotificationsQuery"/>.</summary>
public sealed class GetNotificationsHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetNotificationsQuery, NotificationPage>
{
    /// <summary>The page size when none is given.</summary>
    public const int DefaultPageSize = 20;

    /// <inheritdoc />
    public async ValueTask<NotificationPage> Handle(GetNotificationsQuery query, CancellationToken cancellationToken)
    {
        var userId = user.RequireId();
        var page = query.Page ?? 1;
        var size = query.PageSize ?? DefaultPageSize;
        var mine = db.Notifications.Where(n => n.UserId == userId);
        var matching = query.UnreadOnly == true ? mine.Where(n => n.ReadAt == null) : mine;

        var items = await db.ToListAsync(
            matching.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Skip((page - 1) * size).Take(size),
            cancellationToken);
        var total = await db.CountAsync(matching, cancellationToken);
        var unread = await db.CountAsync(mine.Where(n => n.ReadAt == null), cancellationToken);
        return new NotificationPage(items.Select(NotificationDto.From).ToArray(), page, size, total, unread);
    }
}
