using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;

namespace Beacon.Application.Notifications;

/// <summary>The signed-in caller, for the handlers that only ever act on the caller's own notifications.</summary>
internal static class CallerExtensions
{
    /// <summary>The caller's id; the endpoints require a signed-in user, so its absence is a 403, never a wider query.</summary>
    public static string RequireId(this IUser user) => user.Id ?? throw new ForbiddenAccessException("Sign in to use notifications.");
}
