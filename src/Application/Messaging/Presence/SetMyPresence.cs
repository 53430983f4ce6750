using Beacon.Application.Common.Interfaces;
using FluentValidation;
using Mediator;

namespace Beacon.Application.Messaging.Presence;

/// <summary>The caller's client reports them active or idle: <c>PUT /api/presence/me</c>.</summary>
/// <param name="Status"><c>online</c> or <c>idle</c>. Offline is not settable: it follows from having no connection.</param>
public sealed record SetMyPresenceCommand(string? Status) : ICommand;

/// <summary>Accepts only <c>online</c> and <c>idle</c>.</summary>
public sealed class SetMyPresenceValidator : AbstractValidator<SetMyPresenceCommand>
{
    /// <summary>Creates the validator.</summary>
    public SetMyPresenceValidator() =>
        RuleFor(c => c.Status)
            .Must(s => s is "online" or "idle")
            .OverridePropertyName("status")
            .WithMessage("'status' must be 'online' or 'idle'.");
}

/// <summary>Handles <see cref="SetMyPresenceCommand"/>.</summary>
public sealed class SetMyPresenceHandler(IUser user, IUserPresence presence) : ICommandHandler<SetMyPresenceCommand>
{
    /// <inheritdoc />
    public async ValueTask<Unit> Handle(SetMyPresenceCommand command, CancellationToken cancellationToken)
    {
        await presence.SetIdleAsync(user.RequireId(), command.Status == "idle", cancellationToken);
        return Unit.Value;
    }
}
