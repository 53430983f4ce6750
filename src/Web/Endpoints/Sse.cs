using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Application.Realtime.Commands.DisconnectUser;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Infrastructure.Realtime.Tickets;
using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Endpoints;

/// <summary>The event stream and its operations: <c>/api/sse</c>.</summary>
internal static class Sse
{
    /// <summary>The stream itself: <c>GET /api/sse</c>.</summary>
    public const string StreamPath = "/api/sse";

    /// <summary>The query parameter that carries a one-time ticket from <c>POST /api/sse/ticket</c>.</summary>
    internal const string TicketParameter = "ticket";

    public static IEndpointRouteBuilder MapSseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(StreamPath).WithTags("SSE");
        // Short-circuited: the stream runs outside the middleware pipeline (SseConnectPipeline does its part).
        var connect = new SseConnectPipeline(app.ServiceProvider, new GeneralStream(app.ServiceProvider));
        group.MapGet("/", connect.InvokeAsync).ShortCircuit();
        group.MapGet("/topics/presence", GetTopicPresence).AllowAnonymous()
            .Produces<TopicPresence>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/stats", GetStats).AllowAnonymous().Produces<StreamStats>().ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/demo", SendDemo).AllowAnonymous()
            .Produces<DemoSent>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/ticket", IssueTicket).RequireAuthorization().RequireRateLimiting(RateLimitPolicies.Tickets).Produces<TicketIssued>();
        group.MapDelete("/clients/{clientId}", Disconnect).RequireAuthorization(Roles.IsAdmin)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/users/{userId}", DisconnectUser).RequireAuthorization(Roles.IsAdmin)
            .Produces<DisconnectUserResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// Why <paramref name="identity"/> may not open a stream (401, 400), or null with the parsed <paramref name="request"/>.
    /// Auth is checked here, not by policy, because anonymous mode depends on configuration. Not async: the stream's
    /// long await happens in the caller, so nothing of this check is kept for the life of the stream.
    /// </summary>
    internal static IResult? RejectConnect(HttpContext context, StreamIdentity identity, out SseConnectRequest request)
    {
        request = null!;
        if (!identity.Identified)
        {
            return Unauthenticated.Problem(context, "Send a bearer token (Authorization header or access_token query parameter) or a one-time ticket from POST /api/sse/ticket.");
        }

        if (!SseConnectQuery.TryParse(context.Request, identity.UserId, out var parsed, out var errors))
        {
            return Results.ValidationProblem(errors, title: "The stream parameters are invalid.");
        }

        request = parsed with { TokenExpiresAt = identity.ExpiresAt };
        return null;
    }

    /// <summary>
    /// <c>GET /api/sse</c>'s callers: a one-time ticket, a bearer token, or anyone in anonymous mode, with the stream's
    /// parameters from the query (<see cref="SseConnectQuery"/>). The WebSocket transport takes the same callers.
    /// </summary>
    internal class GeneralStream(IServiceProvider services) : SseRoute
    {
        private readonly IOptions<RealtimeOptions> _options = services.GetRequiredService<IOptions<RealtimeOptions>>();
        private readonly ITicketStore _tickets = services.GetRequiredService<ITicketStore>();
        private readonly ITopicAccessPolicy _topics = services.GetRequiredService<ITopicAccessPolicy>();

        public override async Task<SseRouteDecision> DecideAsync(HttpContext context, AuthenticateResult bearer)
        {
            var identity = await IdentifyAsync(context, _options.Value, _tickets, () => Task.FromResult(bearer));
            if (RejectConnect(context, identity, out var request) is { } problem)
            {
                return SseRouteDecision.Reject(problem, identity.UserId);
            }

            return await TopicAccess.RejectAsync(context, _topics, identity, request) is { } refused ? SseRouteDecision.Reject(refused, identity.UserId) : SseRouteDecision.Open(request);
        }

        /// <summary>A ticket identifies its caller (<see cref="IdentifyAsync(HttpContext, RealtimeOptions, ITicketStore, Func{Task{AuthenticateResult}})"/>), whatever the bearer says.</summary>
        public override bool ChargesRedeemedUser(HttpContext context, AuthenticateResult bearer) => context.Request.Query.ContainsKey(TicketParameter);
    }

    /// <summary>The response for a stream that could not start (503), or an empty result once it has run.</summary>
    internal static IResult Outcome(HttpContext context, SseStreamResult result, RealtimeOptions options)
    {
        switch (result)
        {
            case SseStreamResult.NodeFull:
                context.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: 503, title: "This node is at its connection limit.", detail: $"Realtime:MaxClients is {options.MaxClients}; retry later or on another node.");
            case SseStreamResult.ShuttingDown:
                context.Response.Headers.RetryAfter = "1";
                return Results.Problem(statusCode: 503, title: "This node is shutting down.", detail: "Reconnect; the load balancer will pick another node.");
            case SseStreamResult.UserFull:
                return UserAtLimit(context, options);
            default:
                return Results.Empty;
        }
    }

    /// <summary>
    /// The 429 of a connect whose user holds <see cref="RealtimeOptions.MaxStreamsPerUser"/> connections, counted over
    /// every node of the cluster (with Redis; the one node when embedded), for every transport. Retrying helps once one of them closes; a stream's problem gets its trace id here, as the
    /// problem service adds none to a request that accepts only <c>text/event-stream</c>.
    /// </summary>
    internal static IResult UserAtLimit(HttpContext context, RealtimeOptions options)
    {
        context.Response.Headers.RetryAfter = UserAtLimitRetryAfterSeconds;
        return Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many open streams.",
            type: "https://tools.ietf.org/html/rfc6585#section-4",
            detail: $"This user already holds {options.MaxStreamsPerUser} streams across the cluster (Realtime:MaxStreamsPerUser counts every node together); close one first. Tabs of one browser can share one stream.",
            extensions: ProblemTraceId.For(context));
    }

    private const string UserAtLimitRetryAfterSeconds = "10";

    private static async Task<IResult> GetStats(HttpContext context, ConnectionRegistry registry, RealtimeCounters counters, NodeIdentity node, IClusterView cluster, TimeProvider clock, IOptions<RealtimeOptions> options)
    {
        var (identified, userId, _, _) = await IdentifyAsync(context, options.Value);
        if (!identified)
        {
            return Unauthenticated.Problem(context);
        }

        var connections = registry.All;
        var now = clock.GetUtcNow();

        // Who is connected is private: only admins (and the anonymous demo mode) see every user.
        var seesEveryone = context.User.IsInRole(Roles.Admin) || options.Value.AllowAnonymous == true;
        var snapshot = await cluster.GetSnapshotAsync(context.RequestAborted);
        return Results.Ok(new StreamStats(
            NodeId: node.NodeId,
            Handler: snapshot.Handler,
            TotalClients: snapshot.TotalConnections,
            ClientsByUser: Visible(snapshot.ConnectionsByUser, seesEveryone, userId),
            UniqueUsers: snapshot.UniqueUsers,
            Nodes: snapshot.Nodes.Count,
            AverageConnectionDuration: connections.Count == 0 ? 0 : (long)connections.Average(c => (now - c.ConnectedAt).TotalMilliseconds),
            TotalEventsSent: snapshot.Nodes.Sum(n => n.EventsSent),
            LastEventTime: counters.LastEventTime?.ToUnixTimeMilliseconds(),
            SlowConsumerDisconnects: snapshot.Nodes.Sum(n => n.SlowConsumerDisconnects),
            Local: new LocalStreamStats(
                TotalClients: connections.Count,
                ClientsByUser: Visible(connections.Where(c => c.UserId is not null).GroupBy(c => c.UserId!).ToDictionary(g => g.Key, g => g.Count()), seesEveryone, userId),
                TotalEventsSent: counters.EventsSent,
                SlowConsumerDisconnects: counters.SlowConsumerDisconnects)));
    }

    /// <summary>
    /// A topic's subscribers across the cluster: <c>GET /api/sse/topics/presence?topic=</c>. Whoever may subscribe to the
    /// topic may count its subscribers (a private topic needs a grant); anonymous mode counts public topics. A ticket is
    /// not taken here: it is for opening a stream, and reading it would spend it.
    /// </summary>
    private static async Task<IResult> GetTopicPresence(HttpContext context, ITopicPresence presence, ITopicAccessPolicy policy, IOptions<RealtimeOptions> options)
    {
        var authenticated = await context.AuthenticateAsync();
        if (!authenticated.Succeeded && (authenticated.Failure is not null || options.Value.AllowAnonymous != true))
        {
            return Unauthenticated.Problem(context);
        }

        var topic = context.Request.Query["topic"];
        if (topic.Count != 1 || !SseConnectQuery.IsValidTopic(topic[0]))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["topic"] = [$"One topic of 1 to {SseConnectQuery.MaxValueLength} printable characters."] },
                title: "The topic is invalid.");
        }

        var principal = authenticated.Succeeded ? authenticated.Principal : null;
        var refused = await TopicAccess.RejectAsync(context, policy, principal?.GetUserId(), TopicGrants.Of(principal), [topic[0]!], "count the subscribers of");
        return refused ?? Results.Ok(await presence.GetAsync(topic[0]!, context.RequestAborted));
    }

    /// <summary>The answer of <c>GET /api/sse/stats</c>: the cluster's figures (durations in ms, times in Unix ms), then this node's.</summary>
    internal sealed record StreamStats(
        string NodeId, string Handler, int TotalClients, Dictionary<string, int> ClientsByUser, int UniqueUsers, int Nodes,
        long AverageConnectionDuration, long TotalEventsSent, long? LastEventTime, long SlowConsumerDisconnects, LocalStreamStats Local);

    /// <summary>This node's part of <see cref="StreamStats"/>.</summary>
    internal sealed record LocalStreamStats(int TotalClients, Dictionary<string, int> ClientsByUser, long TotalEventsSent, long SlowConsumerDisconnects);

    /// <summary>The answer of <c>POST /api/sse/ticket</c>.</summary>
    internal sealed record TicketIssued(string Ticket, DateTimeOffset ExpiresAt);

    private static Dictionary<string, int> Visible(IReadOnlyDictionary<string, int> byUser, bool seesEveryone, string? userId) =>
        byUser.Where(p => seesEveryone || p.Key == userId).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>The body of <c>POST /api/sse/demo</c>: whom to send the demo events to when the caller is anonymous.</summary>
    internal sealed record DemoRequest(string? ClientId, string? UserId);

    /// <summary>The answer of <c>POST /api/sse/demo</c>: the ids of the six events sent, in order.</summary>
    internal sealed record DemoSent(IReadOnlyList<string> Ids);

    private static async Task<IResult> SendDemo(HttpContext context, DemoRequest? body, IRealtimePublisher publisher, IWebHostEnvironment environment, IOptions<RealtimeOptions> options)
    {
        var (identified, userId, _, _) = await IdentifyAsync(context, options.Value);
        if (!identified)
        {
            return Unauthenticated.Problem(context);
        }

        if (!environment.IsDevelopment() && !context.User.IsInRole(Roles.Admin))
        {
            return userId is not null ? Results.Problem(statusCode: 403, title: "The demo is for admins outside Development.") : Unauthenticated.Problem(context);
        }

        var audience = userId is not null ? Audience.User(userId)
            : !string.IsNullOrWhiteSpace(body?.ClientId) ? Audience.Client(body.ClientId)
            : !string.IsNullOrWhiteSpace(body?.UserId) && options.Value.AllowAnonymous == true ? Audience.User(body.UserId)
            : null;
        if (audience is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["clientId"] = ["Sign in, or give the clientId from your 'connected' event."] });
        }

        var ids = new List<string>
        {
            await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.System, new { message = "Demo: system message", level = NotificationLevel.Info }), audience),
            await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Notification, new { title = "Demo", message = "A notification" }), audience),
            await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Update, new { type = "demo", data = new { value = 42 } }), audience),
            await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Progress, new { operationId = "demo", progress = 50, message = "Half way" }), audience),
            await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Success, new { message = "Demo succeeded" }), audience),
            await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Error, new { error = "Demo error (nothing is wrong)" }), audience),
        };
        return Results.Ok(new DemoSent(ids));
    }

    /// <summary>Ends one stream on whichever node holds it (with Redis, the node holding it is told to).</summary>
    private static async Task<IResult> Disconnect(string clientId, IConnectionControl connections, CancellationToken cancellationToken) =>
        await connections.DisconnectClientAsync(clientId, cancellationToken)
            ? Results.NoContent()
            : Results.Problem(statusCode: 404, title: "Not found.", detail: $"No node holds a client '{clientId}'.");

    /// <summary>Ends every stream of a user on every node; 0 streams is not an error (the user may have just left).</summary>
    private static async Task<Ok<DisconnectUserResult>> DisconnectUser(string userId, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new DisconnectUserCommand(userId), cancellationToken));

    /// <summary>
    /// Issues a one-time ticket for the caller: <c>GET /api/sse?ticket=...</c> then needs no token in the URL. A ticket
    /// never outlives the token it was issued for (the token may be within the clock skew of its end).
    /// </summary>
    private static async Task<IResult> IssueTicket(HttpContext context, ITicketStore tickets, IOptions<AuthOptions> auth, TimeProvider clock)
    {
        var userId = context.User.GetUserId()!;
        var now = clock.GetUtcNow();
        var tokenExpiry = TokenLifetime.ExpiryOf(context.User);
        var lifetime = TimeSpan.FromSeconds(auth.Value.TicketLifetimeSeconds);
        if (tokenExpiry is { } expiry && expiry - now < lifetime)
        {
            lifetime = expiry - now;
        }

        if (lifetime <= TimeSpan.Zero)
        {
            return Unauthenticated.Problem(context, "The token has expired; refresh it and ask again.");
        }

        var grants = TopicGrants.Of(context.User);
        var ticket = await tickets.IssueAsync(new StreamTicket(userId, tokenExpiry, grants.Count == 0 ? null : grants), lifetime, context.RequestAborted);
        return TypedResults.Ok(new TicketIssued(ticket, now + lifetime));
    }

    /// <summary>Who is opening a stream: from a ticket, a token, or (anonymous mode) the query; and the private topics its token grants.</summary>
    internal readonly record struct StreamIdentity(bool Identified, string? UserId, DateTimeOffset? ExpiresAt = null, IReadOnlyList<string>? TopicGrants = null);

    /// <summary>
    /// A ticket is redeemed once. A present but invalid token is always refused, even in anonymous mode.
    /// Without either, anonymous mode accepts the seed's <c>?userId=</c>.
    /// </summary>
    internal static async Task<StreamIdentity> IdentifyAsync(HttpContext context, RealtimeOptions options) =>
        await IdentifyAsync(context, options, context.RequestServices.GetRequiredService<ITicketStore>(), () => context.AuthenticateAsync());

    /// <inheritdoc cref="IdentifyAsync(HttpContext, RealtimeOptions)"/>
    /// <param name="context">The request.</param>
    /// <param name="options">Whether anonymous mode is on.</param>
    /// <param name="tickets">Where tickets are redeemed.</param>
    /// <param name="authenticate">The bearer-token check, when no ticket is given.</param>
    internal static async Task<StreamIdentity> IdentifyAsync(HttpContext context, RealtimeOptions options, ITicketStore tickets, Func<Task<AuthenticateResult>> authenticate)
    {
        if (context.Request.Query.TryGetValue(TicketParameter, out var ticketValue))
        {
            var ticket = ticketValue.Count == 1 && ticketValue[0]!.Length <= 64
                ? await tickets.RedeemAsync(ticketValue[0]!, context.RequestAborted)
                : null;
            return ticket is null ? default : new StreamIdentity(true, ticket.UserId, ticket.TokenExpiresAt, ticket.TopicGrants);
        }

        var result = await authenticate();
        if (result.Succeeded)
        {
            return new StreamIdentity(true, result.Principal.GetUserId(), TokenLifetime.ExpiryOf(result.Principal), TopicGrants.Of(result.Principal));
        }

        if (result.Failure is not null || options.AllowAnonymous != true)
        {
            return default;
        }

        var claimed = context.Request.Query["userId"].ToString();
        return new StreamIdentity(true, string.IsNullOrWhiteSpace(claimed) ? null : claimed);
    }
}
