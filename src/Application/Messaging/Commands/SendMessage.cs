using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Messaging;
using FluentValidation;
using Mediator;

namespace Beacon.Application.Messaging.Commands;

/// <summary>Posts a message: <c>POST /api/conversations/{id}/messages</c>. Members only (others get 404).</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Text">1-4,000 characters, not blank.</param>
public sealed record SendMessageCommand(Guid ConversationId, string? Text) : ICommand<MessageDto>;

/// <summary>Rejects messages that could not be stored.</summary>
public sealed class SendMessageValidator : AbstractValidator<SendMessageCommand>
{
    /// <summary>Creates the validator.</summary>
    public SendMessageValidator() =>
        RuleFor(c => c.Text)
            .Must(t => !string.IsNullOrWhiteSpace(t) && t.Length <= Message.MaxTextLength && !t.Any(ch => char.IsControl(ch) && ch is not ('\n' or '\r' or '\t')))
            .OverridePropertyName("text")
            .WithMessage($"'text' is required, not blank, at most {Message.MaxTextLength} characters, and without control characters other than line breaks and tabs.");
}

/// <summary>Handles <see cref="SendMessageCommand"/>; <c>message</c> goes out once the message is committed.</summary>
public sealed class SendMessageHandler(IApplicationDbContext db, IUser user, TimeProvider clock) : ICommandHandler<SendMessageCommand, MessageDto>
{
    /// <inheritdoc />
    public async ValueTask<MessageDto> Handle(SendMessageCommand command, CancellationToken cancellationToken)
    {
        var sender = user.RequireId();
        var conversation = await db.MemberConversationAsync(sender, command.ConversationId, cancellationToken);
        var message = conversation.Post(sender, command.Text!, clock.GetUtcNow());
        db.Add(message);
        await db.SaveChangesAsync(cancellationToken);
        return MessageDto.From(message);
    }
}
