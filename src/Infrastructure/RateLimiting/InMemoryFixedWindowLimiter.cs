using System.Threading.RateLimiting;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// A window counted in this process: the embedded default, and per node. Same semantics as the Redis script
/// (<see cref="RateLimitScript"/>), so both backends answer identically. Cached per partition by the
/// framework's partitioned limiter, which drops it once it reports itself idle.
/// </summary>
internal sealed class InMemoryFixedWindowLimiter(RateLimitRule rule, TimeProvider clock) : FixedWindowLimiter(rule)
{
    private readonly Lock _gate = new();
    private readonly long _createdAt = clock.GetTimestamp();
    private long _count;
    private long _windowStart;

    /// <summary>Null while a window is open (its count must survive); otherwise how long since the last one ended.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = clock.GetTimestamp();
                if (_count == 0)
                {
                    return clock.GetElapsedTime(_createdAt, now);
                }

                var elapsed = clock.GetElapsedTime(_windowStart, now);
                return elapsed < Rule.Window ? null : elapsed - Rule.Window;
            }
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        return ToLease(Count(permitCount));
    }

    protected override ValueTask<WindowCount?> CountAsync(int permitCount, CancellationToken cancellationToken) => new(Count(permitCount));

    private WindowCount Count(int permitCount)
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var elapsed = _count == 0 ? TimeSpan.Zero : clock.GetElapsedTime(_windowStart, now);
            if (_count > 0 && elapsed >= Rule.Window)
            {
                _count = 0;
                elapsed = TimeSpan.Zero;
            }

            var resetAfter = Rule.Window - elapsed;
            if (_count + permitCount > Rule.PermitLimit)
            {
                return new WindowCount(false, _count, resetAfter);
            }

            if (permitCount > 0 && _count == 0)
            {
                _windowStart = now;
            }

            _count += permitCount;
            return new WindowCount(true, _count, resetAfter);
        }
    }
}
