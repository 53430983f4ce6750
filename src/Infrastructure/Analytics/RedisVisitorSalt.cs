using System.Globalization;
using System.Security.Cryptography;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// Daily salts shared by every node: the first node to need a day's salt stores a random one (<c>SET NX</c>) with a
/// two-day expiry, and every node reads that one. Each node keeps the current day's salt in memory, so Redis is asked
/// once a day per node. While Redis is unreachable a node uses a salt of its own, so views are still recorded as they
/// were before salts (their keys then differ between nodes until Redis is back).
/// </summary>
internal sealed partial class RedisVisitorSalt(IConnectionMultiplexer redis, ILogger<RedisVisitorSalt> logger) : IVisitorSalt
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);
    private readonly InMemoryVisitorSalt _fallback = new();
    private volatile Cached? _current;

    public async ValueTask<byte[]> ForDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        if (_current is { } cached && cached.Day == day)
        {
            return cached.Salt;
        }

        try
        {
            var salt = await ReadOrCreateAsync(day);
            _current = new Cached(day, salt);
            return salt;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogFallback(logger, ex, day);
            return await _fallback.ForDayAsync(day, cancellationToken);
        }
    }

    private async Task<byte[]> ReadOrCreateAsync(DateOnly day)
    {
        var key = (RedisKey)(RedisKeys.AnalyticsSaltPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        var db = redis.GetDatabase();
        await db.StringSetAsync(key, RandomNumberGenerator.GetBytes(VisitorSalts.Length), Lifetime, When.NotExists);
        var stored = await db.StringGetAsync(key);

        // Empty only if the key was evicted between the two calls; an error then, never an unsalted key.
        return stored.IsNull
            ? throw new InvalidOperationException($"The visitor salt for {day:yyyy-MM-dd} vanished from Redis as it was read.")
            : (byte[])stored!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable: visitor keys for {Day} use this node's own salt until it is back")]
    private static partial void LogFallback(ILogger logger, Exception exception, DateOnly day);

    private sealed record Cached(DateOnly Day, byte[] Salt);
}
