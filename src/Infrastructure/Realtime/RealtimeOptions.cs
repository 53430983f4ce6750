using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.Realtime;

/// <summary>The <c>Realtime</c> configuration section. Documented in docs/configuration.md.</summary>
public sealed class RealtimeOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Realtime";

    /// <summary>Seconds between <c>ping</c> events; keep below the 60 s idle cut-off of common proxies.</summary>
    [Range(1, 3600)]
    public int PingIntervalSeconds { get; set; } = 30;

    /// <summary>A connection with no successful write for this long is closed.</summary>
    [Range(2, 86400)]
    public int ClientTimeoutSeconds { get; set; } = 60;

    /// <summary>Connections this node accepts before answering 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxClients { get; set; } = 1000;

    /// <summary>
    /// Connections (streams, WebSockets, waiting long polls) one user may hold on this node before a new one is answered
    /// 429; 0 for no limit. Keeps one token from filling the node up to <see cref="MaxClients"/>. Each node counts its own.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxStreamsPerUser { get; set; } = 100;

    /// <summary>
    /// Comma-separated prefixes: a topic that starts with one is private, and a subscriber needs a grant for it in its
    /// token's <c>topics</c> claim (admins have every grant). Other topics are open to any subscriber. Empty: every
    /// topic is open. A string rather than a list, so that configuration can replace the default, or clear it.
    /// </summary>
    [MaxLength(4096)]
    public string PrivateTopicPrefixes { get; set; } = "private:";

    /// <summary>The prefixes of <see cref="PrivateTopicPrefixes"/>, trimmed, without empty entries.</summary>
    public string[] PrivateTopicPrefixList() => PrivateTopicPrefixes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// How long a publish sent with an <c>Idempotency-Key</c> is remembered: a retry with the same key within this time
    /// gets the first request's event id and publishes nothing.
    /// </summary>
    [Range(1, 86400)]
    public int IdempotencyWindowSeconds { get; set; } = 300;

    /// <summary>The largest event payload accepted, in UTF-8 bytes of JSON.</summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Frames a connection may have waiting; when full the connection is closed as a slow consumer.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Events kept per history stream (global, <c>user:{id}</c>, <c>topic:{name}</c>) for resume.</summary>
    [Range(1, 10_000_000)]
    public int HistorySize { get; set; } = 1000;

    /// <summary>How long an event stays in history for resume.</summary>
    [Range(1, 30 * 86400)]
    public int HistoryMaxAgeSeconds { get; set; } = 3600;

    /// <summary>The <c>retry:</c> hint sent to clients, in milliseconds.</summary>
    [Range(0, 600_000)]
    public int RetryMilliseconds { get; set; } = 3000;

    /// <summary>
    /// Lets unauthenticated clients connect and claim a user with <c>?userId=</c> (the seed's demo form).
    /// Defaults to true only in Development; never enable it where user events are private.
    /// </summary>
    public bool? AllowAnonymous { get; set; }

    /// <summary>
    /// Write SSE streams on plain HTTP/1.1 connections straight to the socket rather than through Kestrel's response
    /// pipe (bench/README.md, session 13). TLS and HTTP/2 streams always go through Kestrel.
    /// </summary>
    public bool DirectSocketWrites { get; set; } = true;

    /// <summary>
    /// Share an event's fan-out to a large audience (1,024 local connections or more) between the dispatch loop and a
    /// helper thread, when the node has a second core to itself: with Redis, the nodes registered from the same machine
    /// divide its cores (bench/README.md, sessions 14 and 24).
    /// </summary>
    public bool ParallelFanOut { get; set; } = true;

    /// <summary>With Redis: how often a node refreshes its registration; it counts as dead after three missed beats.</summary>
    [Range(1, 300)]
    public int NodeHeartbeatSeconds { get; set; } = 5;

    /// <summary>This node's id; generated from the host name when empty.</summary>
    [MaxLength(128)]
    public string? NodeId { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientTimeoutSeconds <= PingIntervalSeconds)
        {
            yield return new ValidationResult(
                "Realtime:ClientTimeoutSeconds must be greater than Realtime:PingIntervalSeconds, or idle connections are closed between pings.",
                [nameof(ClientTimeoutSeconds), nameof(PingIntervalSeconds)]);
        }
    }
}
