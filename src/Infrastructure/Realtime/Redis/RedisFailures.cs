using Beacon.Application.Common.Exceptions;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>Maps Redis outages to <see cref="ServiceUnavailableException"/>: the caller gets a 503 and can retry; nothing is silently dropped.</summary>
internal static class RedisFailures
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static bool IsOutage(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException
        || (exception is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    public static ServiceUnavailableException Unavailable(string what, Exception inner) =>
        new($"{what}: Redis is unavailable. Nothing was stored; retry shortly.", RetryAfter, inner);
}
