using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// How a stream's connection joins and leaves the node, the same for an SSE stream and a WebSocket: refused while the
/// node stops or is full, or its user holds as many connections as it may (on every node together); otherwise the history's head read before it registers (<see cref="StreamStart"/>),
/// registered, counted, reported to the connection tracker (presence), and closed at once if the node began stopping
/// meanwhile.
/// </summary>
internal sealed class StreamAdmission(
    ConnectionRegistry registry,
    IEventHistory history,
    RealtimeCounters counters,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    NodeShutdown shutdown,
    IConnectionTracker tracker,
    IUserStreamsElsewhere streamsElsewhere)
{
    private readonly RealtimeOptions _options = options.Value;

    /// <summary>The connection for <paramref name="request"/>, closed when the client goes away; not registered yet.</summary>
    public SseConnection Connection(HttpContext context, SseConnectRequest request)
    {
        var connection = Create(request);
        connection.OnAbort(context);
        return connection;
    }

    /// <summary>
    /// A connection for <paramref name="request"/> with a client id of its own, not registered yet: a stream's, or a
    /// long poll's, whose audience rules are then a stream's.
    /// </summary>
    public SseConnection Create(SseConnectRequest request)
    {
        var scope = new ConnectionScope(Guid.NewGuid().ToString("N"), request.UserId, request.Topics, request.Metadata);
        return new SseConnection(scope, request.SessionId, _options.QueueCapacity, clock.GetUtcNow(), counters, request.TokenExpiresAt);
    }

    /// <summary>
    /// Registers <paramref name="connection"/>, or says why not. A new stream (no resume point in <paramref name="request"/>) gets
    /// the head its <c>connected</c> event carries.
    /// </summary>
    /// <param name="connection">The stream's connection, from <see cref="Connection"/>.</param>
    /// <param name="request">The stream's request: its resume point, and what the pipeline read of the user's streams elsewhere.</param>
    /// <param name="transport">The transport, as the connects counter labels it.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    public async ValueTask<(SseStreamResult? Refused, string? Head)> AdmitAsync(SseConnection connection, SseConnectRequest request, string transport, CancellationToken cancellationToken)
    {
        if (shutdown.IsStopping)
        {
            return (SseStreamResult.ShuttingDown, null);
        }

        var elsewhere = request.StreamsElsewhere ?? await HeldElsewhereAsync(connection, cancellationToken);
        var head = request.LastEventId is null ? await StreamStart.HeadOrNullAsync(history, cancellationToken) : null;
        switch (registry.Add(connection, _options.MaxClients, _options.MaxStreamsPerUser, elsewhere))
        {
            case RegistryAddResult.UserFull:
                return (SseStreamResult.UserFull, null);
            case not RegistryAddResult.Added:
                return (SseStreamResult.NodeFull, null);
        }

        tracker.Connected(connection);
        counters.ConnectionAccepted(transport);
        shutdown.CloseIfStopping(connection);
        return (null, head);
    }

    /// <summary>
    /// The connections the user of <paramref name="connection"/> holds on other nodes, read only when they could
    /// matter: a user, a cap, and room under it on this node alone.
    /// </summary>
    public ValueTask<int> HeldElsewhereAsync(SseConnection connection, CancellationToken cancellationToken) =>
        connection.UserId is { } userId && _options.MaxStreamsPerUser > 0 && registry.CountForUser(userId) < _options.MaxStreamsPerUser
            ? streamsElsewhere.CountAsync(userId, cancellationToken)
            : ValueTask.FromResult(0);

    /// <summary>Takes an admitted connection off the node once its stream has ended.</summary>
    public void Release(SseConnection connection)
    {
        connection.Close(CloseReason.Client);
        registry.Remove(connection);
        tracker.Disconnected(connection);
    }
}
