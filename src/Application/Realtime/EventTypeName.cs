using System.Text.RegularExpressions;

namespace Beacon.Application.Realtime;

/// <summary>The rule for event type names: <c>[a-z0-9_.:-]{1,64}</c>, so a name can never break SSE framing.</summary>
public static partial class EventTypeName
{
    /// <summary>The longest allowed name.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule, as a human-readable sentence for error messages.</summary>
    public const string Rule = "must be 1-64 characters of a-z, 0-9, '_', '.', ':' or '-', and not a protocol event (connected, ping, reset, token_expired, shutdown)";

    /// <summary>Names only Beacon itself sends: a publisher could otherwise fake a reset or a reconnect hint.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        StandardEventTypes.Connected, StandardEventTypes.Ping, StandardEventTypes.Reset, StandardEventTypes.TokenExpired,
        StandardEventTypes.Shutdown,
    };

    /// <summary>Whether <paramref name="name"/> is a valid event type name.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    /// <summary>Whether application code may publish <paramref name="name"/>: valid and not reserved for the protocol.</summary>
    public static bool IsPublishable(string? name) => IsValid(name) && !Reserved.Contains(name!);

    [GeneratedRegex("^[a-z0-9_.:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
