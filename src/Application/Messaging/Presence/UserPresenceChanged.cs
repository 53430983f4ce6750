using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Mediator;

namespace Beacon.Application.Messaging.Presence;

/// <summary>A user's presence changed (raised by the presence monitor, once per change across nodes).</summary>
/// <param name="UserId">The user.</param>
/// <param name="Status">Their presence now.</param>
public sealed record UserPresenceChanged(string UserId, PresenceStatus Status) : INotification;

/// <summary>Sends <c>presence</c> to the user's contacts: everyone who shares a conversation with them, and nobody else.</summary>
public sealed class UserPresenceChangedHandler(IApplicationDbContext db, IRealtimePublisher publisher) : INotificationHandler<UserPresenceChanged>
{
    /// <inheritdoc />
    public async ValueTask Handle(UserPresenceChanged notification, CancellationToken cancellationToken)
    {
        var contacts = await db.ContactsOfAsync(notification.UserId, cancellationToken);
        if (contacts.Count == 0)
        {
            return;
        }

        await publisher.PublishAsync(
            RealtimeEvent.Create(StandardEventTypes.Presence, new PresencePayload(notification.UserId, PresenceNames.Of(notification.Status), null)),
            Audience.Users(contacts),
            cancellationToken);
    }
}
