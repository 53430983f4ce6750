using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Mediator;

namespace Beacon.Application.Messaging.Presence;

/// <summary>One user's new presence.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Status">Their presence now.</param>
public sealed record UserPresenceChange(string UserId, PresenceStatus Status);

/// <summary>
/// Users' presence changed (raised by the presence monitor, once per change across nodes). Changes come in batches:
/// a node that restarts sees thousands of users connect within seconds, and each batch costs one contacts query.
/// </summary>
/// <param name="Changes">The changes, at most one per user.</param>
public sealed record UserPresenceChanged(IReadOnlyList<UserPresenceChange> Changes) : INotification;

/// <summary>
/// Sends <c>presence</c> to each changed user's contacts (the members of a conversation the user started or posted
/// in, <see cref="IContactDirectory"/>), and nobody else.
/// </summary>
public sealed class UserPresenceChangedHandler(IContactDirectory directory, IRealtimePublisher publisher) : INotificationHandler<UserPresenceChanged>
{
    /// <inheritdoc />
    public async ValueTask Handle(UserPresenceChanged notification, CancellationToken cancellationToken)
    {
        if (notification.Changes.Count == 0)
        {
            return;
        }

        var contacts = await directory.ContactsOfAsync(notification.Changes.Select(c => c.UserId).ToArray(), cancellationToken);
        foreach (var change in notification.Changes)
        {
            var theirs = contacts[change.UserId].ToArray();
            if (theirs.Length == 0)
            {
                continue;
            }

            await publisher.PublishAsync(
                RealtimeEvent.Create(StandardEventTypes.Presence, new PresencePayload(change.UserId, PresenceNames.Of(change.Status), null)),
                Audience.Users(theirs),
                cancellationToken);
        }
    }
}
