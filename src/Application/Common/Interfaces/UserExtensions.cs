using Beacon.Application.Common.Exceptions;

namespace Beacon.Application.Common.Interfaces;

/// <summary>What handlers acting on the caller's own data need from <see cref="IUser"/>.</summary>
internal static class UserExtensions
{
    /// <summary>
    /// The caller's id. The endpoints of these handlers require a signed-in user, so a missing id is a 403, never a
    /// query that would run without an owner filter.
    /// </summary>
    public static string RequireId(this IUser user) =>
        user.Id ?? throw new ForbiddenAccessException("This needs a signed-in user.");
}
