using Beacon.Domain.Analytics;
using FluentValidation;

namespace Beacon.Application.Analytics.Commands.RecordPageView;

/// <summary>Rejects views that could not be stored or would pollute the statistics.</summary>
public sealed class RecordPageViewValidator : AbstractValidator<RecordPageViewCommand>
{
    /// <summary>The longest client-chosen visitor id.</summary>
    public const int MaxVisitorIdLength = 64;

    /// <summary>Creates the validator.</summary>
    public RecordPageViewValidator()
    {
        RuleFor(c => c.Path)
            .Must(p => p is { Length: > 0 and <= PageView.MaxUrlLength } && p[0] == '/' && !p.StartsWith("//", StringComparison.Ordinal) && !p.Any(char.IsControl))
            .OverridePropertyName("path")
            .WithMessage($"'path' is required: a site path starting with a single '/', at most {PageView.MaxUrlLength} characters, no control characters.");
        RuleFor(c => c.Referrer)
            .Must(r => r!.Length <= PageView.MaxUrlLength
                && !r.Any(char.IsControl)
                && Uri.TryCreate(r, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            .When(c => c.Referrer is not null)
            .OverridePropertyName("referrer")
            .WithMessage($"'referrer' must be an absolute http(s) URL of at most {PageView.MaxUrlLength} characters without control characters, or null.");
        RuleFor(c => c.VisitorId)
            .Must(v => v!.Length is > 0 and <= MaxVisitorIdLength && v.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            .When(c => c.VisitorId is not null)
            .OverridePropertyName("visitorId")
            .WithMessage($"'visitorId' must be 1-{MaxVisitorIdLength} letters, digits, '-' or '_', or null.");
    }
}
