using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Notifications.Commands.MarkAllNotificationsRead;

/// <summary>Mark every unread notification of the caller read: <c>POST /api/notifications/read-all</c>.</summary>
public sealed record MarkAllNotificationsReadCommand : ICommand<MarkAllNotificationsReadResult>;

/// <summary>How many notifications changed.</summary>
/// <param name="Marked">The number marked read.</param>
public sealed record MarkAllNotificationsReadResult(int Marked);

/// <summary>Handles <see cref="MarkAllNotificationsReadCommand"/>: one save, so the stream gets one <c>unread_count</c>.</summary>
public sealed class MarkAllNotificationsReadHandler(IApplicationDbContext db, IUser user, TimeProvider clock) : ICommandHandler<MarkAllNotificationsReadCommand, MarkAllNotificationsReadResult>
{
    /// <inheritdoc />
    public async ValueTask<MarkAllNotificationsReadResult> Handle(MarkAllNotificationsReadCommand command, CancellationToken cancellationToken)
    {
        var userId = user.RequireId();
        var unread = await db.ToListAsync(db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null), cancellationToken);
        var now = clock.GetUtcNow();
        var marked = unread.Count(n => n.MarkRead(now));
        if (marked > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return new MarkAllNotificationsReadResult(marked);
    }
}
