using System.Security.Claims;
using Beacon.Application.Notifications;
using Beacon.Application.Notifications.Commands.CreateNotifications;
using Beacon.Application.Notifications.Commands.DeleteNotification;
using Beacon.Application.Notifications.Commands.MarkAllNotificationsRead;
using Beacon.Application.Notifications.Commands.MarkNotificationRead;
using Beacon.Application.Notifications.Queries.GetNotification;
using Beacon.Application.Notifications.Queries.GetNotifications;
using Beacon.Application.Notifications.Queries.GetUnreadCount;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Web.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Beacon.Web.Endpoints;

/// <summary>
/// The notification module: <c>/api/notifications</c>. Every route acts on the caller's own notifications
/// only; another user's id is a 404, exactly as an id that does not exist.
/// </summary>
internal static class Notifications
{
    /// <summary>The seed-compatible notification stream.</summary>
    public const string StreamPath = "/api/notifications/stream";

    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        // Short-circuited, as GET /api/sse: a stream runs outside the middleware pipeline (SseConnectPipeline does its
        // part), whose middlewares would each keep their state for the stream's life. Its access rules are checked by
        // the route, so that a browser's EventSource (Accept: text/event-stream) still gets problem+json.
        var stream = new SseConnectPipeline(app.ServiceProvider, new NotificationStream(app.ServiceProvider.GetRequiredService<IServiceScopeFactory>()));
        app.MapGet(StreamPath, stream.InvokeAsync).WithTags("Notifications").ShortCircuit();

        var group = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization(Roles.IsUser);
        group.MapGet("/", List);
        group.MapGet("/unread-count", UnreadCount);
        group.MapGet("/{id:guid}", Get);
        group.MapPost("/", Create).RequireAuthorization(Roles.CanPublish);
        group.MapPost("/{id:guid}/read", MarkRead);
        group.MapPost("/read-all", MarkAllRead);
        group.MapDelete("/{id:guid}", Delete);
        return app;
    }

    private static async Task<Ok<NotificationPage>> List(ISender sender, int? page, int? pageSize, bool? unreadOnly, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetNotificationsQuery(page, pageSize, unreadOnly), cancellationToken));

    private static async Task<Ok<UnreadCount>> UnreadCount(ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetUnreadCountQuery(), cancellationToken));

    private static async Task<Ok<NotificationDto>> Get(Guid id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetNotificationQuery(id), cancellationToken));

    private static async Task<Created<CreateNotificationsResult>> Create(CreateNotificationsCommand command, ISender sender, CancellationToken cancellationToken)
    {
        var result = await sender.Send(command, cancellationToken);
        return TypedResults.Created(result.Notifications.Count == 1 ? $"/api/notifications/{result.Notifications[0].Id}" : null, result);
    }

    private static async Task<Ok<NotificationDto>> MarkRead(Guid id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new MarkNotificationReadCommand(id), cancellationToken));

    private static async Task<Ok<MarkAllNotificationsReadResult>> MarkAllRead(ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new MarkAllNotificationsReadCommand(), cancellationToken));

    private static async Task<NoContent> Delete(Guid id, ISender sender, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteNotificationCommand(id), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The seed's stream on the shared hub: a connection of the caller (so everything addressed to them
    /// reaches it on every node, with resume), filtered to the notification events, beating with
    /// <c>heartbeat</c>, and opening with <c>connected</c> then <c>unread_count</c>. Bearer tokens only (header,
    /// <c>?token=</c> or <c>?access_token=</c>), with a role that may read notifications.
    /// </summary>
    private sealed class NotificationStream(IServiceScopeFactory scopes) : SseRoute
    {
        private readonly SseStreamProfile _profile = new()
        {
            EventTypes = NotificationEventTypes.Stream,
            HeartbeatType = NotificationEventTypes.Heartbeat,
            InitialEvents = async (userId, cancellationToken) =>
            {
                // A scope of its own: a DbContext need not live as long as the stream.
                await using var scope = scopes.CreateAsyncScope();
                var unread = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new GetUnreadCountQuery(userId), cancellationToken);
                return [RealtimeEvent.Create(NotificationEventTypes.UnreadCount, unread)];
            },
        };

        public override Task<SseRouteDecision> DecideAsync(HttpContext context, AuthenticateResult bearer) =>
            Task.FromResult(Decide(context, bearer.Succeeded ? bearer.Principal : null));

        private SseRouteDecision Decide(HttpContext context, ClaimsPrincipal? user)
        {
            if (user?.GetUserId() is not { } userId)
            {
                return SseRouteDecision.Reject(Unauthenticated.Problem(context, "Send a bearer token in the Authorization header, or ?token= / ?access_token= for EventSource."));
            }

            if (!user.IsInRole(Roles.User) && !user.IsInRole(Roles.Publisher) && !user.IsInRole(Roles.Admin))
            {
                return SseRouteDecision.Reject(Results.Problem(statusCode: 403, title: "Forbidden.", detail: "The token carries none of the roles user, publisher or admin."));
            }

            var errors = new Dictionary<string, string[]>();
            var lastEventId = SseConnectQuery.ResumePoint(context.Request, errors);
            if (errors.Count > 0)
            {
                return SseRouteDecision.Reject(Results.ValidationProblem(errors, title: "The stream parameters are invalid."));
            }

            // Like /api/sse, the stream ends with token_expired when the token that opened it expires.
            return SseRouteDecision.Open(new SseConnectRequest(userId, null, [], NoMetadata, lastEventId, TokenLifetime.ExpiryOf(user)), _profile);
        }
    }
}
