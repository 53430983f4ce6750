using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;

namespace Beacon.UnitTests.RateLimiting;

public sealed class InMemoryFixedWindowLimiterTests
{
    private readonly ManualClock _clock = new();
    private readonly RateLimitRule _rule = new() { PermitLimit = 3, WindowSeconds = 60 };

    private static (long Limit, long Remaining, TimeSpan Reset) Window(RateLimitLease lease)
    {
        lease.TryGetMetadata(RateLimitMetadata.Limit, out var limit).ShouldBeTrue();
        lease.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining).ShouldBeTrue();
        lease.TryGetMetadata(RateLimitMetadata.ResetAfter, out var reset).ShouldBeTrue();
        return (limit, remaining, reset);
    }

    [Fact]
    public async Task Allows_the_limit_per_window_and_every_lease_reports_limit_remaining_and_reset()
    {
        using var limiter = new InMemoryFixedWindowLimiter(_rule, _clock);

        for (var i = 1; i <= 3; i++)
        {
            using var lease = await limiter.AcquireAsync();
            lease.IsAcquired.ShouldBeTrue();
            Window(lease).ShouldBe((3, 3 - i, TimeSpan.FromSeconds(60 - (i - 1) * 10)));
            lease.TryGetMetadata(MetadataName.RetryAfter, out _).ShouldBeFalse("only a rejection says when to retry");
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        using var rejected = await limiter.AcquireAsync();
        rejected.IsAcquired.ShouldBeFalse();
        Window(rejected).ShouldBe((3, 0, TimeSpan.FromSeconds(30)));
        rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
        retryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void The_window_starts_with_its_first_permit_and_a_new_one_starts_after_it_ends()
    {
        using var limiter = new InMemoryFixedWindowLimiter(_rule, _clock);
        _clock.Advance(TimeSpan.FromMinutes(5)); // idle time before the first request does not shorten the window

        for (var i = 0; i < 3; i++)
        {
            limiter.AttemptAcquire().IsAcquired.ShouldBeTrue();
        }

        _clock.Advance(TimeSpan.FromSeconds(59));
        limiter.AttemptAcquire().IsAcquired.ShouldBeFalse();

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var fresh = limiter.AttemptAcquire();
        fresh.IsAcquired.ShouldBeTrue();
        Window(fresh).ShouldBe((3, 2, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Rejected_attempts_are_not_counted()
    {
        var rule = new RateLimitRule { PermitLimit = 3, WindowSeconds = 60 };
        using var limiter = new InMemoryFixedWindowLimiter(rule, _clock);
        limiter.AttemptAcquire(2).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(2).IsAcquired.ShouldBeFalse();
        limiter.AttemptAcquire(2).IsAcquired.ShouldBeFalse();

        using var last = limiter.AttemptAcquire(1);
        last.IsAcquired.ShouldBeTrue("the rejected attempts used no permits");
        Window(last).Remaining.ShouldBe(0);

        var statistics = limiter.GetStatistics()!;
        statistics.TotalSuccessfulLeases.ShouldBe(2);
        statistics.TotalFailedLeases.ShouldBe(2);
        statistics.CurrentAvailablePermits.ShouldBe(0);
    }

    [Fact]
    public void Asking_for_more_than_the_limit_is_an_error_not_a_rejection()
    {
        using var limiter = new InMemoryFixedWindowLimiter(_rule, _clock);
        Should.Throw<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(4));
    }

    [Fact]
    public void Is_never_idle_while_a_window_is_open_so_the_partition_cache_keeps_its_count()
    {
        using var limiter = new InMemoryFixedWindowLimiter(_rule, _clock);
        limiter.IdleDuration.ShouldBe(TimeSpan.Zero);

        limiter.AttemptAcquire().Dispose();
        limiter.IdleDuration.ShouldBeNull();
        _clock.Advance(TimeSpan.FromSeconds(59));
        limiter.IdleDuration.ShouldBeNull();

        _clock.Advance(TimeSpan.FromSeconds(11));
        limiter.IdleDuration.ShouldBe(TimeSpan.FromSeconds(10));
    }
}
