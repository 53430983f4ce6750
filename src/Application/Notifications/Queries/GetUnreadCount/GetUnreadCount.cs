using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Queries.GetUnreadCount;

/// <summary>How many of a user's notifications are unread: <c>GET /api/notifications/unread-count</c>, and the stream's first <c>unread_count</c>.</summary>
/// <param name="ForUser">
/// The user, set only by server code that has identified them itself: the notification stream, which no longer holds
/// the request's principal when it sends its first <c>unread_count</c>. Null (what the HTTP endpoint sends) counts
/// the caller's own.
/// </param>
public sealed record GetUnreadCountQuery(string? ForUser = null) : IQuery<UnreadCount>;

/// <summary>The <c>unread_count</c> payload.</summary>
/// <param name="Count">Unread notifications.</param>
public sealed record UnreadCount(int Count);

/// <summary>Handles <see cref="GetUnreadCountQuery"/>.</summary>
public sealed class GetUnreadCountHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetUnreadCountQuery, UnreadCount>
{
    /// <inheritdoc />
    public async ValueTask<UnreadCount> Handle(GetUnreadCountQuery query, CancellationToken cancellationToken)
    {
        var userId = query.ForUser ?? user.RequireId();
        return new UnreadCount(await db.CountAsync(db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null), cancellationToken));
    }
}
