using Beacon.Application.Realtime.Commands.PublishEvent;
using FluentValidation;

namespace Beacon.Application.Realtime.Commands.DisconnectUser;

/// <summary>A user id as an audience may name one.</summary>
public sealed class DisconnectUserValidator : AbstractValidator<DisconnectUserCommand>
{
    /// <summary>Creates the validator.</summary>
    public DisconnectUserValidator() =>
        RuleFor(c => c.UserId)
            .Must(PublishEventValidator.IsValidTarget)
            .OverridePropertyName("userId")
            .WithMessage($"'userId' is 1-{PublishEventValidator.MaxTargetLength} characters, not all white space, without control characters.");
}
