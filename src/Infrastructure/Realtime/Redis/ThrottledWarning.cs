namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Lets a warning out at most once per interval, counting the ones held back: what fails open during a Redis outage
/// (rate limits, the cluster-wide stream cap) would otherwise log once per request.
/// </summary>
internal sealed class ThrottledWarning(TimeProvider clock, TimeSpan interval)
{
    private long _last;
    private long _suppressed;

    /// <summary>Whether to log now; if so, <paramref name="suppressed"/> is how many were held back since the last.</summary>
    public bool TryTake(out long suppressed)
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref _last);
        if ((last != 0 && clock.GetElapsedTime(last, now) < interval) || Interlocked.CompareExchange(ref _last, now, last) != last)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }

        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
