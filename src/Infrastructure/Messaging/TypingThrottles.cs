using System.Collections.Concurrent;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Redis;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Messaging;

/// <summary>The embedded throttle: last-acquired time per key in this process (so per node).</summary>
internal sealed class InMemoryTypingThrottle(TimeProvider clock) : ITypingThrottle
{
    private readonly ConcurrentDictionary<string, long> _acquired = new(StringComparer.Ordinal);

    public ValueTask<bool> TryAcquireAsync(string key, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        var now = clock.GetTimestamp();
        while (true)
        {
            if (!_acquired.TryGetValue(key, out var last))
            {
                if (_acquired.TryAdd(key, now))
                {
                    PruneSometimes(interval);
                    return ValueTask.FromResult(true);
                }

                continue;
            }

            if (clock.GetElapsedTime(last, now) < interval)
            {
                return ValueTask.FromResult(false);
            }

            if (_acquired.TryUpdate(key, now, last))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    // Keys of users who stopped typing would otherwise stay forever.
    private void PruneSometimes(TimeSpan interval)
    {
        if (_acquired.Count < 10_000)
        {
            return;
        }

        foreach (var (key, last) in _acquired)
        {
            if (clock.GetElapsedTime(last) >= interval)
            {
                _acquired.TryRemove(new KeyValuePair<string, long>(key, last));
            }
        }
    }
}

/// <summary>The shared throttle: <c>SET key 1 NX PX interval</c>, so a user typing on two nodes is still throttled once.</summary>
internal sealed class RedisTypingThrottle(IConnectionMultiplexer redis) : ITypingThrottle
{
    public async ValueTask<bool> TryAcquireAsync(string key, TimeSpan interval, CancellationToken cancellationToken = default) =>
        await redis.GetDatabase().StringSetAsync(RedisKeys.Throttle(key), 1, interval, When.NotExists);
}
