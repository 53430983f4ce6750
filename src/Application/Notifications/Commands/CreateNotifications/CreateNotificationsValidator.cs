using Beacon.Domain.Common;
using Beacon.Domain.Notifications;
using FluentValidation;

namespace Beacon.Application.Notifications.Commands.CreateNotifications;

/// <summary>Rejects notifications that could not be stored or shown as sent.</summary>
public sealed class CreateNotificationsValidator : AbstractValidator<CreateNotificationsCommand>
{
    /// <summary>Creates the validator.</summary>
    public CreateNotificationsValidator()
    {
        RuleFor(c => c.UserIds)
            .Must(ids => ids is { Count: > 0 and <= NotificationRules.MaxRecipients })
            .OverridePropertyName("userIds")
            .WithMessage($"'userIds' must list 1-{NotificationRules.MaxRecipients} user ids.");
        RuleFor(c => c.UserIds)
            .Must(ids => ids!.All(UserIds.IsValid))
            .When(c => c.UserIds is { Count: > 0 and <= NotificationRules.MaxRecipients })
            .OverridePropertyName("userIds")
            .WithMessage($"Every user id is non-empty and at most {Notification.MaxUserIdLength} characters, without control characters.");

        RuleFor(c => c.Title)
            .Must(t => !string.IsNullOrWhiteSpace(t) && t.Trim().Length <= Notification.MaxTitleLength && !t.Any(char.IsControl))
            .OverridePropertyName("title")
            .WithMessage($"'title' is required and at most {Notification.MaxTitleLength} characters, without control characters.");
        RuleFor(c => c.Message)
            .Must(m => !string.IsNullOrWhiteSpace(m) && m.Trim().Length <= Notification.MaxMessageLength && !m.Any(ch => char.IsControl(ch) && ch is not ('\n' or '\r' or '\t')))
            .OverridePropertyName("message")
            .WithMessage($"'message' is required and at most {Notification.MaxMessageLength} characters, without control characters but line breaks and tabs.");
        RuleFor(c => c.Kind)
            .Must(k => NotificationRules.TryParseKind(k, out _))
            .When(c => c.Kind is not null)
            .OverridePropertyName("kind")
            .WithMessage("'kind' must be one of: " + string.Join(", ", NotificationRules.KindNames) + ".");
        RuleFor(c => c.Link)
            .Must(NotificationRules.IsSafeLink)
            .OverridePropertyName("link")
            .WithMessage($"'link' must be a site-relative path (/...) or an http(s) URL of at most {Notification.MaxLinkLength} characters.");
    }
}
