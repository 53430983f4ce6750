using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Queries.GetUnreadCount;

/// <summary>How many of a user's notifications are unread: <c>GET /api/notifications/unread-count</c>, and the stream's first <c>unread_count</c>.</summary>
public sealed record GetUnreadCountQuery : IQuery<UnreadCount>;

/// <summary>The <c>unread_count</c> payload.</summary>
/// <param name="Count">Unread notifications.</param>
public sealed record UnreadCount(int Count);

/// <summary>Handles <see cref="GetUnreadCountQuery"/>.</summary>
public sealed class GetUnreadCountHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetUnreadCountQuery, UnreadCount>
{
    /// <inheritdoc />
    public async ValueTask<UnreadCount> Handle(GetUnreadCountQuery query, CancellationToken cancellationToken)
    {
        var userId = user.RequireId();
        return new UnreadCount(await db.CountAsync(db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null), cancellationToken));
    }
}
