using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.Extensions.Primitives;

namespace Beacon.Web.Endpoints;

/// <summary>
/// Parses <c>GET /api/sse</c>'s query: <c>topics</c> (comma-separated), <c>sessionId</c>, <c>lastEventId</c>,
/// <c>userId</c> (anonymous mode only), and every other parameter as connection metadata.
/// </summary>
internal static class SseConnectQuery
{
    public const int MaxMetadataKeys = 16;
    public const int MaxValueLength = 256;
    public const int MaxTopics = 64;

    // Parameters with a meaning of their own; never metadata. "_" is the cache-buster some EventSource polyfills add.
    internal static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "topics", "sessionId", "userId", "lastEventId", "access_token", "token", "ticket", "_",
    };

    public static bool TryParse(HttpRequest request, string? userId, out SseConnectRequest connect, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (userId?.Length > MaxValueLength || userId?.Any(char.IsControl) == true)
        {
            // Only anonymous mode's ?userId= can be this long or hold these: a token's subject is checked by JwtSetup.
            errors["userId"] = [$"'userId' is at most {MaxValueLength} characters, without control characters."];
        }

        var query = request.Query;
        var topics = ParseTopics(query["topics"], errors);
        var sessionId = Single(query["sessionId"], "sessionId", errors);
        var lastEventId = ResumePoint(request, errors);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (Reserved.Contains(key))
            {
                continue;
            }

            if (key.Length is 0 or > 64 || values.Count != 1 || (values[0]?.Length ?? 0) > MaxValueLength || key.Any(char.IsControl) || (values[0] ?? string.Empty).Any(char.IsControl))
            {
                errors[key] = [$"Metadata parameters need a 1-64 character name and one value of at most {MaxValueLength} characters, without control characters."];
                continue;
            }

            metadata[key] = values[0] ?? string.Empty;
        }

        if (metadata.Count > MaxMetadataKeys)
        {
            errors["metadata"] = [$"At most {MaxMetadataKeys} metadata parameters are allowed; got {metadata.Count}."];
        }

        connect = new SseConnectRequest(userId, sessionId, topics, metadata, lastEventId);
        return errors.Count == 0;
    }

    /// <summary>
    /// The resume point of every stream route: the <c>Last-Event-ID</c> header an EventSource sends when it reconnects,
    /// else the <c>lastEventId</c> query parameter (a client that cannot set headers, or resumes on its first connect).
    /// Either takes one value of at most <see cref="MaxValueLength"/> characters: a repeated or oversized one is an
    /// error in <paramref name="errors"/>, not a resume point that no history knows. Empty means none.
    /// </summary>
    public static string? ResumePoint(HttpRequest request, Dictionary<string, string[]> errors)
    {
        var header = request.Headers["Last-Event-ID"];
        var value = header.Count > 0 ? Single(header, "Last-Event-ID", errors) : Single(request.Query["lastEventId"], "lastEventId", errors);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>A topic name, or a grant of one (<see cref="Auth"/>'s dev tokens): 1 to <see cref="MaxValueLength"/> printable characters.</summary>
    public static bool IsValidTopic(string? topic) => topic is { Length: > 0 and <= MaxValueLength } && !topic.Any(char.IsControl);

    private static string[] ParseTopics(StringValues raw, Dictionary<string, string[]> errors)
    {
        var topics = raw.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (topics.Length > MaxTopics || !topics.All(IsValidTopic))
        {
            errors["topics"] = [$"At most {MaxTopics} topics of at most {MaxValueLength} printable characters each."];
        }

        return topics;
    }

    /// <summary>The one value of a parameter or header named <paramref name="key"/>; absent is null, repeated or too long an error.</summary>
    internal static string? Single(StringValues values, string key, Dictionary<string, string[]> errors)
    {
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1 || (values[0]?.Length ?? 0) > MaxValueLength)
        {
            errors[key] = [$"'{key}' takes one value of at most {MaxValueLength} characters."];
            return null;
        }

        return values[0];
    }
}
