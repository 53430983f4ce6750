using System.Threading.RateLimiting;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// The limiter behind one partition (one user or client IP under one policy): at most
/// <see cref="RateLimitRule.PermitLimit"/> permits per window. A window starts with its first permit and the
/// count resets when it ends; rejected attempts are not counted, so hammering does not extend a lockout.
/// Every lease carries the limit, what remains and when the window resets (<see cref="RateLimitMetadata"/>).
/// Subclasses decide where the count lives.
/// </summary>
internal abstract class FixedWindowLimiter(RateLimitRule rule) : RateLimiter
{
    private long _successful;
    private long _failed;
    private long _available = rule.PermitLimit;

    protected RateLimitRule Rule => rule;

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Volatile.Read(ref _available),
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
        TotalFailedLeases = Interlocked.Read(ref _failed),
    };

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        return ToLease(await CountAsync(permitCount, cancellationToken));
    }

    /// <summary>Counts <paramref name="permitCount"/> permits against the window; null when the count is unavailable (fail open).</summary>
    protected abstract ValueTask<WindowCount?> CountAsync(int permitCount, CancellationToken cancellationToken);

    protected void CheckPermitCount(int permitCount)
    {
        if (permitCount > rule.PermitLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"{permitCount} permits exceed the limit of {rule.PermitLimit}.");
        }
    }

    protected RateLimitLease ToLease(WindowCount? count)
    {
        if (count is not { } counted)
        {
            Interlocked.Increment(ref _successful);
            return FixedWindowLease.Unenforced;
        }

        Volatile.Write(ref _available, Math.Max(0, rule.PermitLimit - counted.Count));
        Interlocked.Increment(ref counted.Acquired ? ref _successful : ref _failed);
        return new FixedWindowLease(counted.Acquired, counted, rule.PermitLimit);
    }
}
