namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Who shares a conversation with whom. Presence is announced to a user's contacts, and a node that starts or rides
/// out a reconnect storm asks this for thousands of users within seconds, so it is a port of its own: one plain
/// query per batch rather than a LINQ query compiled and expanded for every batch (bench/README.md, session 8).
/// </summary>
public interface IContactDirectory
{
    /// <summary>
    /// For each of <paramref name="userIds"/> who has any, everyone who shares a conversation with them, each once
    /// and without the user themself. Users without contacts have no entry (an empty sequence in the lookup).
    /// </summary>
    Task<ILookup<string, string>> ContactsOfAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);
}
