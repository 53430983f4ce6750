using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Common;
using Beacon.Domain.Messaging;
using FluentValidation;
using Mediator;

namespace Beacon.Application.Messaging.Commands;

/// <summary>Starts a conversation: <c>POST /api/conversations</c>. The caller is always a member.</summary>
/// <param name="Title">A name (≤ 100 characters), or null.</param>
/// <param name="MemberIds">The other members, 1-50 user ids.</param>
public sealed record CreateConversationCommand(string? Title, IReadOnlyList<string>? MemberIds) : ICommand<ConversationDto>;

/// <summary>Rejects conversations that could not be stored.</summary>
public sealed class CreateConversationValidator : AbstractValidator<CreateConversationCommand>
{
    /// <summary>The most members a caller may add.</summary>
    public const int MaxOthers = Conversation.MaxMembers - 1;

    /// <summary>Creates the validator.</summary>
    public CreateConversationValidator()
    {
        RuleFor(c => c.MemberIds)
            .Must(ids => ids is { Count: > 0 and <= MaxOthers })
            .OverridePropertyName("memberIds")
            .WithMessage($"'memberIds' must list 1-{MaxOthers} user ids.");
        RuleFor(c => c.MemberIds)
            .Must(ids => ids!.All(UserIds.IsValid))
            .When(c => c.MemberIds is { Count: > 0 and <= MaxOthers })
            .OverridePropertyName("memberIds")
            .WithMessage($"Every member id is non-empty and at most {Conversation.MaxUserIdLength} characters, without control characters.");
        RuleFor(c => c.Title)
            .Must(t => t!.Trim().Length is > 0 and <= Conversation.MaxTitleLength && !t.Any(char.IsControl))
            .When(c => c.Title is not null)
            .OverridePropertyName("title")
            .WithMessage($"'title' is 1-{Conversation.MaxTitleLength} characters without control characters, or null.");
    }
}

/// <summary>Handles <see cref="CreateConversationCommand"/>.</summary>
public sealed class CreateConversationHandler(IApplicationDbContext db, IUser user, TimeProvider clock) : ICommandHandler<CreateConversationCommand, ConversationDto>
{
    /// <inheritdoc />
    public async ValueTask<ConversationDto> Handle(CreateConversationCommand command, CancellationToken cancellationToken)
    {
        var caller = user.RequireId();
        var others = command.MemberIds!.Select(id => id.Trim()).Where(id => id != caller).ToArray();
        if (others.Length == 0)
        {
            throw new Common.Exceptions.ValidationException("memberIds", "'memberIds' must name at least one user other than you.");
        }

        var conversation = Conversation.Start(caller, others, command.Title?.Trim(), clock.GetUtcNow());
        db.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return ConversationDto.From(conversation);
    }
}
