using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Messaging.Queries;

/// <summary>The caller's conversations, most recent activity first: <c>GET /api/conversations</c>.</summary>
public sealed record GetConversationsQuery : IQuery<ItemList<ConversationDto>>;

/// <summary>Handles <see cref="GetConversationsQuery"/>.</summary>
public sealed class GetConversationsHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetConversationsQuery, ItemList<ConversationDto>>
{
    /// <summary>The most conversations listed.</summary>
    public const int Limit = 200;

    /// <inheritdoc />
    public async ValueTask<ItemList<ConversationDto>> Handle(GetConversationsQuery query, CancellationToken cancellationToken)
    {
        var caller = user.RequireId();
        var mine = await db.ToListAsync(
            db.Conversations.Where(c => c.Members.Any(m => m.UserId == caller)).OrderByDescending(c => c.LastActivityAt).Take(Limit),
            cancellationToken);
        return new ItemList<ConversationDto>(mine.Select(ConversationDto.From).ToArray());
    }
}

/// <summary>One of the caller's conversations: <c>GET /api/conversations/{id}</c>.</summary>
/// <param name="Id">The conversation.</param>
public sealed record GetConversationQuery(Guid Id) : IQuery<ConversationDto>;

/// <summary>Handles <see cref="GetConversationQuery"/>; a conversation the caller is not in is a 404.</summary>
public sealed class GetConversationHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetConversationQuery, ConversationDto>
{
    /// <inheritdoc />
    public async ValueTask<ConversationDto> Handle(GetConversationQuery query, CancellationToken cancellationToken) =>
        ConversationDto.From(await db.MemberConversationAsync(user.RequireId(), query.Id, cancellationToken));
}
