using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>
/// A user's connections on the other live nodes, from their <c>{beacon}:node:{id}:users</c> hashes
/// (<see cref="UserStreamCountScript"/>, one round trip). Those hashes are written in the background as connections
/// open and close (<see cref="RedisCluster"/>), so two connects of one user that land on two nodes within a write of
/// each other may both get in: the cap may be passed by the connects in flight at that moment, never by more.
/// Fails open, as the connect rate limit does: while Redis is unreachable a user is counted on this node alone and a
/// warning is logged at most every 30 s. A new stream opens during an outage (live only); refusing every user then
/// would turn a Redis blip into an outage of the streams.
/// </summary>
internal sealed partial class RedisUserStreamsElsewhere(
    IConnectionMultiplexer redis,
    NodeIdentity node,
    RealtimeCounters counters,
    TimeProvider clock,
    ILogger<RedisUserStreamsElsewhere> logger) : IUserStreamsElsewhere
{
    private static readonly RedisKey[] Keys = [RedisKeys.Nodes];
    private readonly RedisValue _nodePrefix = RedisKeys.Node(string.Empty);
    private readonly RedisValue _self = node.NodeId;
    private readonly ThrottledWarning _warning = new(clock, TimeSpan.FromSeconds(30));

    public async ValueTask<int> CountAsync(string userId, CancellationToken cancellationToken)
    {
        // Disconnected: answer now instead of queueing behind the reconnect for the command timeout.
        if (!redis.IsConnected)
        {
            FailedOpen(null);
            return 0;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var count = await redis.GetDatabase()
                .ScriptEvaluateAsync(UserStreamCountScript.Script, Keys, [_nodePrefix, _self, userId])
                .WaitAsync(cancellationToken);
            counters.RedisCall("stream_cap", started);
            return (int)count;
        }
        catch (Exception ex) when (ex is RedisException || RedisFailures.IsOutage(ex))
        {
            counters.RedisError("stream_cap");
            FailedOpen(ex);
            return 0;
        }
    }

    private void FailedOpen(Exception? exception)
    {
        if (_warning.TryTake(out var suppressed))
        {
            LogFailedOpen(logger, exception, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime:MaxStreamsPerUser is counted per node: Redis is unavailable, so other nodes' streams are not counted (fail open). {Suppressed} more such connects since the last warning")]
    private static partial void LogFailedOpen(ILogger logger, Exception? exception, long suppressed);
}
