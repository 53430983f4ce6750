using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// Runs <see cref="RateLimitScript"/> for the Redis-backed limiters. Fails open: while Redis is unreachable
/// (or answers with an error) requests are allowed and a warning is logged at most every 30 s — a rate
/// limit must never be what takes the service down.
/// </summary>
internal sealed partial class RedisWindowCounter(IConnectionMultiplexer redis, TimeProvider clock, ILogger<RedisWindowCounter> logger)
{
    private readonly ThrottledWarning _warning = new(clock, TimeSpan.FromSeconds(30));

    /// <summary>Counts against the window at <paramref name="key"/>; null when Redis could not answer.</summary>
    public async ValueTask<WindowCount?> CountAsync(RedisKey key, int permitCount, RateLimitRule rule, CancellationToken cancellationToken)
    {
        // Disconnected: answer now instead of queueing behind the reconnect for the command timeout.
        if (!redis.IsConnected)
        {
            FailedOpen(null);
            return null;
        }

        try
        {
            var result = await redis.GetDatabase()
                .ScriptEvaluateAsync(RateLimitScript.Script, [key], [permitCount, rule.PermitLimit, (long)rule.Window.TotalMilliseconds])
                .WaitAsync(cancellationToken);
            var parts = (RedisResult[])result!;
            return new WindowCount((long)parts[0] == 1, (long)parts[1], TimeSpan.FromMilliseconds((long)parts[2]));
        }
        catch (Exception ex) when (ex is RedisException || RedisFailures.IsOutage(ex))
        {
            FailedOpen(ex);
            return null;
        }
    }

    private void FailedOpen(Exception? exception)
    {
        if (_warning.TryTake(out var suppressed))
        {
            LogFailedOpen(logger, exception, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limits are not enforced: Redis is unavailable, so requests are allowed (fail open). {Suppressed} more such requests since the last warning")]
    private static partial void LogFailedOpen(ILogger logger, Exception? exception, long suppressed);
}
