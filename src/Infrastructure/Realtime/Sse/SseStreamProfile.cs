using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// How a stream differs from the general <c>/api/sse</c> one, for product streams built on the same hub
/// (e.g. <c>/api/notifications/stream</c>): which event types it carries, what its heartbeat is called,
/// and what it sends right after <c>connected</c>.
/// </summary>
internal sealed class SseStreamProfile
{
    /// <summary>The general stream: every event, <c>ping</c> heartbeats, nothing extra on connect.</summary>
    public static readonly SseStreamProfile Default = new();

    /// <summary>The event types delivered (live and on resume); null delivers every type.</summary>
    public IReadOnlySet<string>? EventTypes { get; init; }

    /// <summary>The heartbeat's event name; its interval is <see cref="RealtimeOptions.PingIntervalSeconds"/>.</summary>
    public string HeartbeatType { get; init; } = StandardEventTypes.Ping;

    /// <summary>
    /// Events sent right after <c>connected</c> (without ids: they are state, not history), given the stream's user.
    /// Called after the connection is registered, so a change made meanwhile still arrives, live, after them. The
    /// request's principal is gone by then (a stream does not keep it), hence the user id.
    /// </summary>
    public Func<string?, CancellationToken, ValueTask<IReadOnlyList<RealtimeEvent>>>? InitialEvents { get; init; }

    /// <summary>Whether events of <paramref name="type"/> go to this stream.</summary>
    public bool Accepts(string type) => EventTypes is null || EventTypes.Contains(type);
}
