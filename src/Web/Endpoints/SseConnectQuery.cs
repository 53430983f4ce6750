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
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "topics", "sessionId", "userId", "lastEventId", "access_token", "token", "ticket", "_",
    };

    public static bool TryParse(HttpRequest request, string? userId, out SseConnectRequest connect, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var query = request.Query;
        var topics = ParseTopics(query["topics"], errors);
        var sessionId = Single(query, "sessionId", errors);
        var lastEventId = request.Headers["Last-Event-ID"] is { Count: > 0 } header ? header.ToString() : Single(query, "lastEventId", errors);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (Reserved.Contains(key))
            {
                continue;
            }

            if (key.Length is 0 or > 64 || values.Count != 1 || (values[0]?.Length ?? 0) > MaxValueLength)
            {
                errors[key] = [$"Metadata parameters need a 1-64 character name and one value of at most {MaxValueLength} characters."];
                continue;
            }

            metadata[key] = values[0] ?? string.Empty;
        }

        if (metadata.Count > MaxMetadataKeys)
        {
            errors["metadata"] = [$"At most {MaxMetadataKeys} metadata parameters are allowed; got {metadata.Count}."];
        }

        connect = new SseConnectRequest(userId, sessionId, topics, metadata, string.IsNullOrEmpty(lastEventId) ? null : lastEventId);
        return errors.Count == 0;
    }

    private static string[] ParseTopics(StringValues raw, Dictionary<string, string[]> errors)
    {
        var topics = raw.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (topics.Length > MaxTopics || topics.Any(t => t.Length > MaxValueLength || t.Any(char.IsControl)))
        {
            errors["topics"] = [$"At most {MaxTopics} topics of at most {MaxValueLength} printable characters each."];
        }

        return topics;
    }

    private static string? Single(IQueryCollection query, string key, Dictionary<string, string[]> errors)
    {
        var values = query[key];
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
