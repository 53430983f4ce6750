using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Commands.MarkNotificationRead;

/// <summary>Mark one of the caller's notifications read: <c>POST /api/notifications/{id}/read</c>. Idempotent.</summary>
/// <param name="Id">The notification.</param>
public sealed record MarkNotificationReadCommand(Guid Id) : ICommand<NotificationDto>;

/// <summary>Handles <see cref="MarkNotificationReadCommand"/>. Another user's notification is "not found", never "forbidden".</summary>
public sealed class MarkNotificationReadHandler(IApplicationDbContext db, IUser user, TimeProvider clock) : ICommandHandler<MarkNotificationReadCommand, NotificationDto>
{
    /// <inheritdoc />
    public async ValueTask<NotificationDto> Handle(MarkNotificationReadCommand command, CancellationToken cancellationToken)
    {
        var userId = user.RequireId();
        var notification = await db.FirstOrDefaultAsync(db.Notifications.Where(n => n.Id == command.Id && n.UserId == userId), cancellationToken)
            ?? throw new NotFoundException("Notification", command.Id.ToString());
        if (notification.MarkRead(clock.GetUtcNow()))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return NotificationDto.From(notification);
    }
}
