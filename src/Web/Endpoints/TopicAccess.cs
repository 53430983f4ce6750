using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Web.Infrastructure;

namespace Beacon.Web.Endpoints;

/// <summary>
/// The topic check of every subscription route (<c>GET /api/sse</c>, <c>/api/ws</c>, the long poll): the
/// <see cref="ITopicAccessPolicy"/>'s answer as a 403 that names the refused topics, before anything is registered or
/// replayed. A connect without topics is not asked about.
/// </summary>
internal static class TopicAccess
{
    /// <summary>A 403 problem when <paramref name="identity"/> may not have some of <paramref name="request"/>'s topics; null otherwise.</summary>
    public static ValueTask<IResult?> RejectAsync(HttpContext context, ITopicAccessPolicy policy, Sse.StreamIdentity identity, SseConnectRequest request) =>
        request.Topics.Count == 0
            ? ValueTask.FromResult<IResult?>(null)
            : RejectAsync(context, policy, identity.UserId, identity.TopicGrants ?? [], request.Topics, "subscribe to");

    /// <summary>A 403 problem naming the <paramref name="topics"/> the policy refuses this caller, who wants to <paramref name="action"/> them; null when none.</summary>
    public static async ValueTask<IResult?> RejectAsync(HttpContext context, ITopicAccessPolicy policy, string? userId, IReadOnlyList<string> grants, IReadOnlyList<string> topics, string action)
    {
        var denied = await policy.DeniedAsync(new TopicAccessRequest(userId, grants, topics), context.RequestAborted);
        if (denied.Count == 0)
        {
            return null;
        }

        var extensions = ProblemTraceId.For(context);
        extensions["topics"] = denied;
        return Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Not allowed on these topics.",
            detail: $"This caller may not {action}: {string.Join(", ", denied)}. A private topic needs a grant in the token's '{TopicGrants.ClaimType}' claim.",
            extensions: extensions);
    }
}
