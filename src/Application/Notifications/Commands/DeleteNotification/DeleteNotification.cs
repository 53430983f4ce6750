using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Commands.DeleteNotification;

/// <summary>Delete one of the caller's notifications: <c>DELETE /api/notifications/{id}</c>.</summary>
/// <param name="Id">The notification.</param>
public sealed record DeleteNotificationCommand(Guid Id) : ICommand;

/// <summary>Handles <see cref="DeleteNotificationCommand"/>. Another user's notification is "not found", never "forbidden".</summary>
public sealed class DeleteNotificationHandler(IApplicationDbContext db, IUser user, TimeProvider clock) : ICommandHandler<DeleteNotificationCommand>
{
    /// <inheritdoc />
    public async ValueTask<Unit> Handle(DeleteNotificationCommand command, CancellationToken cancellationToken)
    {
        var userId = user.RequireId();
        var notification = await db.FirstOrDefaultAsync(db.Notifications.Where(n => n.Id == command.Id && n.UserId == userId), cancellationToken)
            ?? throw new NotFoundException("Notification", command.Id.ToString());
        notification.MarkDeleted(clock.GetUtcNow());
        db.Remove(notification);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
