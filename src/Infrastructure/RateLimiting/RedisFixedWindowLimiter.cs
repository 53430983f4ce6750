using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// One partition's window, counted in Redis so the limit holds across every node. Holds no state of its own
/// beyond the key; only the async acquire answers (one script round trip, never a blocking call), the
/// synchronous one returns a not-acquired lease without metadata so callers fall through to it.
/// </summary>
internal sealed class RedisFixedWindowLimiter(RedisWindowCounter counter, RedisKey key, RateLimitRule rule, TimeProvider clock) : FixedWindowLimiter(rule)
{
    private long _lastUsed = clock.GetTimestamp();

    /// <summary>The count lives in Redis, so this instance can be dropped whenever it has not been used for a while.</summary>
    public override TimeSpan? IdleDuration => clock.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        return FixedWindowLease.AsyncOnly;
    }

    protected override ValueTask<WindowCount?> CountAsync(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, clock.GetTimestamp());
        return counter.CountAsync(key, permitCount, Rule, cancellationToken);
    }
}
