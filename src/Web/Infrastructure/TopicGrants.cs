using System.Security.Claims;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// What a token grants its holder among private topics (<see cref="Application.Common.Interfaces.TopicAccessRequest.Grants"/>):
/// the values of its <c>topics</c> claim (a JSON array in the token, or one string), each a topic name or a prefix
/// ending in <c>*</c>; an admin's token grants every topic.
/// </summary>
internal static class TopicGrants
{
    /// <summary>The claim that lists a token's grants.</summary>
    public const string ClaimType = "topics";

    private static readonly string[] Everything = ["*"];

    /// <summary>The grants of <paramref name="user"/>; empty for none.</summary>
    public static IReadOnlyList<string> Of(ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return [];
        }

        if (user.IsInRole(Roles.Admin))
        {
            return Everything;
        }

        return [.. user.FindAll(ClaimType).Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];
    }
}
