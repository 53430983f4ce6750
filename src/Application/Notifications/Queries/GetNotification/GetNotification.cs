using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Queries.GetNotification;

/// <summary>One of the caller's notifications: <c>GET /api/notifications/{id}</c>.</summary>
/// <param name="Id">The notification.</param>
public sealed record GetNotificationQuery(Guid Id) : IQuery<NotificationDto>;

/// <summary>Handles <see cref="GetNotificationQuery"/>. Another user's notification is "not found", never "forbidden".</summary>
public sealed class GetNotificationHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetNotificationQuery, NotificationDto>
{
    /// <inheritdoc />
    public async ValueTask<NotificationDto> Handle(GetNotificationQuery query, CancellationToken cancellationToken)
    {
        var userId = user.RequireId();
        var notification = await db.FirstOrDefaultAsync(db.Notifications.Where(n => n.Id == query.Id && n.UserId == userId), cancellationToken)
            ?? throw new NotFoundException("Notification", query.Id.ToString());
        return NotificationDto.From(notification);
    }
}
