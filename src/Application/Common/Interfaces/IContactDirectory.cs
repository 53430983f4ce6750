namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Whom each user has shown themselves to: the members of every conversation the user started or posted in. Being
/// added to a conversation by someone else is not enough, or anyone could start one with a stranger to watch their
/// presence; a member who writes back (or starts a conversation) has chosen to be seen there. Presence is announced
/// to a user's contacts and shown to them, and a node that starts or rides
/// out a reconnect storm asks this for thousands of users within seconds, so it is a port of its own: one plain
/// query per batch rather than a LINQ query compiled and expanded for every batch (bench/README.md, session 8).
/// </summary>
public interface IContactDirectory
{
    /// <summary>
    /// For each of <paramref name="userIds"/> who has any, everyone who is a member of a conversation the user started
    /// or posted in, each once and without the user themself. Users without contacts have no entry (an empty sequence
    /// in the lookup).
    /// </summary>
    Task<ILookup<string, string>> ContactsOfAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);
}
