using System.Globalization;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Fallbacks;
using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Endpoints;

/// <summary>
/// Transports for clients whose network breaks SSE (buffering proxies, blocked <c>text/event-stream</c>):
/// <c>GET /api/events?after=&amp;wait=</c> (long-poll, JSON) and <c>/api/ws</c> (WebSocket, JSON messages). Both
/// take the same credentials and query parameters as <c>GET /api/sse</c> (except a token in the URL: the long-poll
/// is a <c>fetch</c>, which can send the header, see <see cref="QueryTokenRoutes"/>) and carry the same events with
/// the same ids, so a client may switch transports and resume without loss or repetition.
/// </summary>
internal static class Fallbacks
{
    /// <summary>The header naming the id to poll from next.</summary>
    public const string CursorHeader = "X-Beacon-Cursor";

    /// <summary>The header naming the node that answered a poll (a stream's <c>connected</c> event says it in <c>nodeId</c>).</summary>
    public const string NodeHeader = "X-Beacon-Node";

    /// <summary>The long-poll (<c>GET</c>); a <c>POST</c> there publishes (<see cref="Events"/>).</summary>
    public const string PollPath = "/api/events";

    /// <summary>The WebSocket transport.</summary>
    public const string WebSocketPath = "/api/ws";

    private const int DefaultWaitSeconds = 25;

    // Parameters of the poll itself; everything else is parsed exactly as GET /api/sse parses it.
    private static readonly HashSet<string> PollParameters = new(StringComparer.OrdinalIgnoreCase) { "after", "wait" };

    public static IEndpointRouteBuilder MapFallbackEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(PollPath, Poll).WithTags("Fallbacks").AllowAnonymous()
            .Produces<EventMessage[]>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimitPolicies.LongPolls);

        // Short-circuited like GET /api/sse: a WebSocket lives as long as a stream, and through the middleware pipeline
        // each middleware's state (and the endpoint filter's) stayed alive with it, about 2.5 KB per connection. Routing
        // runs short-circuited endpoints before any later middleware, so the WebSockets middleware runs here, in front
        // of the connect pipeline (it only adds the handshake feature and keeps nothing once it has called on).
        var services = app.ServiceProvider;
        var connect = new SseConnectPipeline(services, new WebSocketStream(services));
        var handshake = new WebSocketMiddleware(connect.InvokeAsync, services.GetRequiredService<IOptions<WebSocketOptions>>(), services.GetRequiredService<ILoggerFactory>());
        // GET upgrades over HTTP/1.1, CONNECT over HTTP/2 (RFC 8441); any other method is routing's 405 with Allow.
        app.MapMethods(WebSocketPath, [HttpMethods.Get, HttpMethods.Connect], handshake.Invoke).WithTags("Fallbacks").ShortCircuit();
        return app;
    }

    /// <summary>
    /// One long-poll: the events after <c>after</c> that this caller's stream would carry, at once if there are
    /// any, else the first live ones within <c>wait</c> seconds, else <c>[]</c>. <c>X-Beacon-Cursor</c> names the
    /// id to send as <c>after</c> next time (also when the answer is empty).
    /// </summary>
    private static async Task<IResult> Poll(HttpContext context, LongPollRunner runner, ITopicAccessPolicy topics, NodeIdentity node, IOptions<RealtimeOptions> options)
    {
        var identity = await Sse.IdentifyAsync(context, options.Value);
        if (!identity.Identified)
        {
            return Unauthenticated.Problem(context, "Send a bearer token in the Authorization header.");
        }

        var errors = new Dictionary<string, string[]>();
        // Empty means none, as an empty Last-Event-ID does: a client's first poll may send `after=` with no cursor yet.
        var after = SseConnectQuery.Single(context.Request.Query["after"], "after", errors) is { Length: > 0 } cursor ? cursor : null;
        var waitText = SseConnectQuery.Single(context.Request.Query["wait"], "wait", errors);
        var wait = TimeSpan.FromSeconds(DefaultWaitSeconds);
        if (waitText is not null)
        {
            if (!int.TryParse(waitText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > (int)runner.MaxWait.TotalSeconds)
            {
                errors["wait"] = [$"'wait' is 0-{(int)runner.MaxWait.TotalSeconds} seconds."];
            }
            else
            {
                wait = TimeSpan.FromSeconds(seconds);
            }
        }

        // Parsed as GET /api/sse parses its query, without the poll's own parameters (they are not metadata).
        var original = context.Request.Query;
        context.Request.Query = new QueryCollection(original.Where(p => !PollParameters.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
        var parsed = SseConnectQuery.TryParse(context.Request, identity.UserId, out var request, out var queryErrors);
        context.Request.Query = original;
        if (!parsed)
        {
            foreach (var (key, value) in queryErrors)
            {
                errors[key] = value;
            }
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The poll parameters are invalid.");
        }

        if (await TopicAccess.RejectAsync(context, topics, identity, request) is { } refused)
        {
            return refused;
        }

        // The resume point is `after` (Last-Event-ID and lastEventId are SSE's names for it, honoured too).
        request = request with { LastEventId = after ?? request.LastEventId, TokenExpiresAt = identity.ExpiresAt };
        var result = await runner.PollAsync(request, wait, context.RequestAborted);
        switch (result.Status)
        {
            case LongPollStatus.NodeFull:
                context.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: 503, title: "This node is at its connection limit.");
            case LongPollStatus.ShuttingDown:
                context.Response.Headers.RetryAfter = "1";
                return Results.Problem(statusCode: 503, title: "This node is shutting down.");
            case LongPollStatus.UserFull:
                return Sse.UserAtLimit(context, options.Value);
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers[NodeHeader] = node.NodeId;
        if (result.Cursor is not null)
        {
            headers[CursorHeader] = result.Cursor;
        }

        return Results.Bytes(JsonEventFrame.EncodeArray(result.Events), "application/json; charset=utf-8");
    }

    /// <summary>
    /// <c>/api/ws</c>'s callers: those of <c>GET /api/sse</c> (a ticket, a bearer token, or anyone in anonymous mode;
    /// the resume point in <c>lastEventId</c>), over a WebSocket upgrade.
    /// </summary>
    private sealed class WebSocketStream(IServiceProvider services) : Sse.GeneralStream(services)
    {
        public override WebSocketStreamRunner WebSocket { get; } = services.GetRequiredService<WebSocketStreamRunner>();

        public override Task<SseRouteDecision> DecideAsync(HttpContext context, AuthenticateResult bearer) =>
            context.WebSockets.IsWebSocketRequest
                ? base.DecideAsync(context, bearer)
                : Task.FromResult(SseRouteDecision.Reject(Results.Problem(statusCode: 400, title: "Expected a WebSocket upgrade.", detail: "Connect with a WebSocket client, or use GET /api/sse or GET /api/events.")));
    }

    /// <summary>
    /// One event as the long-poll answers it (an array of these) and as the WebSocket sends it (one per message);
    /// <see cref="JsonEventFrame"/> writes it. <c>id</c> is null on <c>ping</c>.
    /// </summary>
    internal sealed record EventMessage(string? Id, string Type, System.Text.Json.JsonElement Data);
}
