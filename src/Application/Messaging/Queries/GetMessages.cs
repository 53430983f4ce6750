using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using FluentValidation;
using Mediator;

namespace Beacon.Application.Messaging.Queries;

/// <summary>
/// A page of a conversation's messages, oldest first within the page: <c>GET /api/conversations/{id}/messages?before=&amp;limit=</c>.
/// Without <paramref name="Before"/> it is the newest page; with it, the messages sent before that one.
/// </summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Before">A message id of this conversation, or null.</param>
/// <param name="Limit">1-100 (default 50).</param>
public sealed record GetMessagesQuery(Guid ConversationId, Guid? Before = null, int? Limit = null) : IQuery<ItemList<MessageDto>>;

/// <summary>Rejects page sizes out of range.</summary>
public sealed class GetMessagesValidator : AbstractValidator<GetMessagesQuery>
{
    /// <summary>Creates the validator.</summary>
    public GetMessagesValidator() =>
        RuleFor(q => q.Limit).InclusiveBetween(1, 100).When(q => q.Limit is not null).OverridePropertyName("limit").WithMessage("'limit' is 1-100.");
}

/// <summary>Handles <see cref="GetMessagesQuery"/>; members only.</summary>
public sealed class GetMessagesHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetMessagesQuery, ItemList<MessageDto>>
{
    /// <inheritdoc />
    public async ValueTask<ItemList<MessageDto>> Handle(GetMessagesQuery query, CancellationToken cancellationToken)
    {
        var conversation = await db.MemberConversationAsync(user.RequireId(), query.ConversationId, cancellationToken);
        var messages = db.Messages.Where(m => m.ConversationId == conversation.Id);
        if (query.Before is { } before)
        {
            var anchor = await db.FirstOrDefaultAsync(messages.Where(m => m.Id == before), cancellationToken)
                ?? throw new NotFoundException("Message", before.ToString());
            messages = messages.Where(m => m.SentAt < anchor.SentAt);
        }

        var page = await db.ToListAsync(messages.OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(query.Limit ?? 50), cancellationToken);
        page.Reverse();
        return new ItemList<MessageDto>(page.Select(MessageDto.From).ToArray());
    }
}
