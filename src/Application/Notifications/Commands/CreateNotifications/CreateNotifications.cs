using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Notifications;
using Mediator;

namespace Beacon.Application.Notifications.Commands.CreateNotifications;

/// <summary>Create the same notification for one or more users: <c>POST /api/notifications</c> (publisher or admin).</summary>
/// <param name="UserIds">The recipients (duplicates are ignored).</param>
/// <param name="Title">The headline.</param>
/// <param name="Message">The body.</param>
/// <param name="Kind">info (default), success, warning, error, message or system.</param>
/// <param name="Link">A site-relative path or an http(s) URL to open, if any.</param>
public sealed record CreateNotificationsCommand(IReadOnlyList<string>? UserIds, string? Title, string? Message, string? Kind = null, string? Link = null)
    : ICommand<CreateNotificationsResult>;

/// <summary>The created notifications, one per distinct recipient, in the order given.</summary>
/// <param name="Notifications">Their ids and owners.</param>
public sealed record CreateNotificationsResult(IReadOnlyList<CreatedNotificationRef> Notifications);

/// <summary>One created notification.</summary>
/// <param name="Id">Its id.</param>
/// <param name="UserId">Its owner.</param>
public sealed record CreatedNotificationRef(Guid Id, string UserId);

/// <summary>Handles <see cref="CreateNotificationsCommand"/>: one save, so either every recipient gets it or none does.</summary>
public sealed class CreateNotificationsHandler(IApplicationDbContext db, TimeProvider clock) : ICommandHandler<CreateNotificationsCommand, CreateNotificationsResult>
{
    /// <inheritdoc />
    public async ValueTask<CreateNotificationsResult> Handle(CreateNotificationsCommand command, CancellationToken cancellationToken)
    {
        NotificationRules.TryParseKind(command.Kind ?? "info", out var kind);
        var now = clock.GetUtcNow();
        var created = new List<CreatedNotificationRef>();
        foreach (var userId in command.UserIds!.Distinct(StringComparer.Ordinal))
        {
            var notification = Notification.Create(userId, command.Title!.Trim(), command.Message!.Trim(), kind, command.Link, now);
            db.Add(notification);
            created.Add(new CreatedNotificationRef(notification.Id, userId));
        }

        await db.SaveChangesAsync(cancellationToken);
        return new CreateNotificationsResult(created);
    }
}
