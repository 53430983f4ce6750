using System.Globalization;
using System.Security.Claims;

namespace Beacon.Web.Infrastructure;

/// <summary>When a signed-in caller's token ends, for what must end with it (a stream, a ticket, a cookie).</summary>
internal static class TokenLifetime
{
    private static readonly long LatestExp = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>
    /// The token's <c>exp</c> claim as a time, or null without one. A signed <c>exp</c> past the year 9999 is a token
    /// that never ends in practice: null too, rather than a time no <see cref="DateTimeOffset"/> can hold.
    /// </summary>
    public static DateTimeOffset? ExpiryOf(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue("exp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp) && exp is >= 0 && exp <= LatestExp
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : null;
}
