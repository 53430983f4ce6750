using FluentValidation;

namespace Beacon.Application.SystemStatus.Commands.PublishAnnouncement;

/// <summary>Rejects announcements that could not be shown as sent.</summary>
public sealed class PublishAnnouncementValidator : AbstractValidator<PublishAnnouncementCommand>
{
    /// <summary>The longest title.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>The longest message.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>Creates the validator.</summary>
    public PublishAnnouncementValidator()
    {
        RuleFor(c => c.Title)
            .Must(t => !string.IsNullOrWhiteSpace(t) && t.Trim().Length <= MaxTitleLength)
            .OverridePropertyName("title")
            .WithMessage($"'title' is required and at most {MaxTitleLength} characters.");
        RuleFor(c => c.Message)
            .Must(m => !string.IsNullOrWhiteSpace(m) && m.Trim().Length <= MaxMessageLength)
            .OverridePropertyName("message")
            .WithMessage($"'message' is required and at most {MaxMessageLength} characters.");
        RuleFor(c => c.Level)
            .Must(l => AnnouncementLevels.TryParse(l, out _))
            .When(c => c.Level is not null)
            .OverridePropertyName("level")
            .WithMessage("'level' must be one of: " + string.Join(", ", AnnouncementLevels.Names) + ".");
    }
}
