using Beacon.Application.Messaging;
using Beacon.Application.Messaging.Commands;
using Beacon.Application.Messaging.Presence;
using Beacon.Application.Messaging.Queries;
using Beacon.Web.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Beacon.Web.Endpoints;

/// <summary>
/// Messaging and presence: <c>/api/conversations</c> and <c>/api/presence</c>. A conversation the caller is not a
/// member of answers 404 on every route, exactly like one that does not exist.
/// </summary>
internal static class MessagingEndpoints
{
    public static IEndpointRouteBuilder MapMessagingEndpoints(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").WithTags("Messaging").RequireAuthorization(Roles.IsUser);
        conversations.MapPost("/", Create).RequireRateLimiting(RateLimitPolicies.Messaging);
        conversations.MapGet("/", List);
        conversations.MapGet("/{id:guid}", Get);
        conversations.MapGet("/{id:guid}/messages", Messages);
        conversations.MapPost("/{id:guid}/messages", Send).RequireRateLimiting(RateLimitPolicies.Messaging);
        conversations.MapPost("/{id:guid}/typing", Typing).RequireRateLimiting(RateLimitPolicies.Messaging);

        var presence = app.MapGroup("/api/presence").WithTags("Messaging").RequireAuthorization(Roles.IsUser);
        presence.MapGet("/", GetPresence);
        presence.MapPut("/me", SetMine).RequireRateLimiting(RateLimitPolicies.Messaging);
        return app;
    }

    private static async Task<Created<ConversationDto>> Create(CreateConversationCommand command, ISender sender, CancellationToken cancellationToken)
    {
        var conversation = await sender.Send(command, cancellationToken);
        return TypedResults.Created($"/api/conversations/{conversation.Id}", conversation);
    }

    private static async Task<Ok<ItemList<ConversationDto>>> List(ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetConversationsQuery(), cancellationToken));

    private static async Task<Ok<ConversationDto>> Get(Guid id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetConversationQuery(id), cancellationToken));

    private static async Task<Ok<ItemList<MessageDto>>> Messages(Guid id, Guid? before, int? limit, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetMessagesQuery(id, before, limit), cancellationToken));

    private static async Task<Created<MessageDto>> Send(Guid id, MessageBody body, ISender sender, CancellationToken cancellationToken)
    {
        var message = await sender.Send(new SendMessageCommand(id, body.Text), cancellationToken);
        return TypedResults.Created($"/api/conversations/{id}/messages", message);
    }

    private static async Task<Accepted> Typing(Guid id, ISender sender, CancellationToken cancellationToken)
    {
        await sender.Send(new SendTypingCommand(id), cancellationToken);
        return TypedResults.Accepted(uri: (string?)null);
    }

    private static async Task<Ok<ItemList<UserPresenceDto>>> GetPresence(string? users, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetPresenceQuery(users), cancellationToken));

    private static async Task<NoContent> SetMine(SetMyPresenceCommand command, ISender sender, CancellationToken cancellationToken)
    {
        await sender.Send(command, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The body of <c>POST /api/conversations/{id}/messages</c>.</summary>
    /// <param name="Text">The message.</param>
    internal sealed record MessageBody(string? Text);
}
