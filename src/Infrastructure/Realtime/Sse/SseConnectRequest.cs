namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>A validated request to open a stream.</summary>
/// <param name="UserId">The authenticated (or, in anonymous mode, claimed) user; null for anonymous.</param>
/// <param name="SessionId">The client's session id, if given.</param>
/// <param name="Topics">Topics to subscribe to.</param>
/// <param name="Metadata">Connection metadata from the query string.</param>
/// <param name="LastEventId">The resume point, from <c>Last-Event-ID</c> or <c>lastEventId</c>.</param>
/// <param name="TokenExpiresAt">When the credential behind the stream expires; the stream then ends with <c>token_expired</c>.</param>
public sealed record SseConnectRequest(
    string? UserId,
    string? SessionId,
    IReadOnlyList<string> Topics,
    IReadOnlyDictionary<string, string> Metadata,
    string? LastEventId,
    DateTimeOffset? TokenExpiresAt = null)
{
    /// <summary>
    /// The connections the user holds on other nodes, when the connect pipeline already read them for its early
    /// <c>Realtime:MaxStreamsPerUser</c> answer; null when not read yet, and admission reads them itself. Carried so
    /// that a connect asks Redis once.
    /// </summary>
    public int? StreamsElsewhere { get; init; }
}
