using Beacon.Domain.Notifications;

namespace Beacon.Application.Notifications;

/// <summary>Input rules shared by the notification commands' validators.</summary>
public static class NotificationRules
{
    /// <summary>The most recipients one create request may list.</summary>
    public const int MaxRecipients = 1000;

    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The kind names a request may use, in lower case.</summary>
    public static readonly IReadOnlyList<string> KindNames = Enum.GetValues<NotificationKind>().Select(NotificationDto.KindName).ToArray();

    /// <summary>Parses a kind name (case-insensitive); names only, never numbers.</summary>
    public static bool TryParseKind(string? value, out NotificationKind kind)
    {
        kind = NotificationKind.Info;
        return value is not null
            && value.Length > 0
            && !char.IsDigit(value[0]) && value[0] != '-'
            && Enum.TryParse(value, ignoreCase: true, out kind)
            && Enum.IsDefined(kind);
    }

    /// <summary>
    /// A link is a site-relative path (<c>/questions/42</c>) or an absolute http(s) URL: never <c>javascript:</c>
    /// or <c>data:</c>, which a client would render as a clickable script.
    /// </summary>
    public static bool IsSafeLink(string? link)
    {
        if (string.IsNullOrEmpty(link))
        {
            return true;
        }

        if (link.Length > Notification.MaxLinkLength || link.Any(char.IsControl))
        {
            return false;
        }

        if (link.StartsWith('/'))
        {
            return !link.StartsWith("//", StringComparison.Ordinal) && !link.StartsWith("/\\", StringComparison.Ordinal);
        }

        return Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
    }
}
