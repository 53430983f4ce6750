using Beacon.Infrastructure.Realtime.Fallbacks;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.AspNetCore.Authentication;

namespace Beacon.Web.Endpoints;

/// <summary>
/// What sets one stream route apart in <see cref="SseConnectPipeline"/>: who may open it, what its stream carries, and
/// over which transport.
/// The pipeline does the rest (CORS, the bearer scheme, the connect rate limit, errors, the request log) the same way
/// for every stream route, outside the middleware pipeline.
/// </summary>
internal abstract class SseRoute
{
    /// <summary>
    /// Identifies the caller from <paramref name="bearer"/> (and whatever else the route accepts) and either rejects the
    /// connect with a problem or names the stream to open. Runs while the request still has its principal and headers.
    /// </summary>
    public abstract Task<SseRouteDecision> DecideAsync(HttpContext context, AuthenticateResult bearer);

    /// <summary>
    /// Whether this connect is charged to the user <see cref="DecideAsync"/> identifies rather than to the request's
    /// principal or address: true for a one-time ticket, whose user is known only once it is redeemed. The connect
    /// limit is then taken after the decision, and a refused connect has spent its ticket.
    /// </summary>
    public virtual bool ChargesRedeemedUser(HttpContext context, AuthenticateResult bearer) => false;

    /// <summary>
    /// The runner of a route whose stream is carried over a WebSocket (<c>/api/ws</c>); null for an SSE stream on the
    /// response.
    /// </summary>
    public virtual WebSocketStreamRunner? WebSocket => null;
}

/// <summary>A rejection (a problem to answer with), or the stream to open.</summary>
/// <param name="Rejection">The answer when the connect is refused; null when it opens.</param>
/// <param name="Request">Who connects and what to, when it opens.</param>
/// <param name="Profile">What sets the stream apart from the general one; null for the general stream.</param>
/// <param name="Caller">The user the route identified, whether it opens or not; null when it identified none.</param>
internal readonly record struct SseRouteDecision(IResult? Rejection, SseConnectRequest? Request, SseStreamProfile? Profile, string? Caller)
{
    /// <summary>A refused connect; <paramref name="caller"/> is charged for it when the route identified one (a redeemed ticket's user).</summary>
    public static SseRouteDecision Reject(IResult problem, string? caller = null) => new(problem, null, null, caller);

    public static SseRouteDecision Open(SseConnectRequest request, SseStreamProfile? profile = null) => new(null, request, profile, request.UserId);
}
