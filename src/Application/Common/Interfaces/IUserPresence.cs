using Beacon.Application.Realtime;

namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Users' presence, global when Redis is on. Changes are raised as <see cref="Messaging.Presence.UserPresenceChanged"/>
/// (once per change across all nodes; going offline waits out a short grace period so reconnects do not flap).
/// </summary>
public interface IUserPresence
{
    /// <summary>The presence of each listed user.</summary>
    Task<IReadOnlyDictionary<string, PresenceStatus>> GetStatusesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>Records whether <paramref name="userId"/>'s client says they are idle; a change is raised if they are connected.</summary>
    Task SetIdleAsync(string userId, bool idle, CancellationToken cancellationToken = default);
}
