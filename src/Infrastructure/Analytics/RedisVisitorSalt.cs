using System.Globalization;
using System.Security.Cryptography;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Redis;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// Daily salts shared by every node: the first node to need a day's salt stores a random one (<c>SET NX</c>) with a
/// two-day expiry, and every node reads that one. Each node keeps the current day's salt in memory, so Redis is asked
/// once a day per node.
/// </summary>
internal sealed class RedisVisitorSalt(IConnectionMultiplexer redis) : IVisitorSalt
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);
    private volatile Cached? _current;

    public async ValueTask<byte[]> ForDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        if (_current is { } cached && cached.Day == day)
        {
            return cached.Salt;
        }

        var key = (RedisKey)(RedisKeys.AnalyticsSaltPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        var db = redis.GetDatabase();
        await db.StringSetAsync(key, RandomNumberGenerator.GetBytes(VisitorSalts.Length), Lifetime, When.NotExists);
        var stored = await db.StringGetAsync(key);
        if (stored.IsNull)
        {
            // Only if the key was evicted between the two calls; the caller gets an error rather than an unsalted key.
            throw new InvalidOperationException($"The visitor salt for {day:yyyy-MM-dd} vanished from Redis as it was read.");
        }

        var salt = (byte[])stored!;
        _current = new Cached(day, salt);
        return salt;
    }

    private sealed record Cached(DateOnly Day, byte[] Salt);
}
