namespace Beacon.Application.Common.Interfaces;

/// <summary>Whether users are online: connected on any node (global when Redis is on).</summary>
public interface IPresenceStore
{
    /// <summary>For each user id, whether it has at least one open connection on any node.</summary>
    Task<IReadOnlyDictionary<string, bool>> GetOnlineAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);
}
