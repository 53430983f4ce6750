using System.Globalization;
using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;

namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// The rate-limit response headers, from a lease's metadata (<see cref="RateLimitMetadata"/>).
/// <c>X-RateLimit-Reset</c> and <c>Retry-After</c> are delta-seconds (time until the window resets, rounded
/// up, at least 1), not a Unix time, so client and server clocks need not agree.
/// </summary>
public static class RateLimitHeaders
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";
    public const string ResetHeader = "X-RateLimit-Reset";

    /// <summary>Sets <c>X-RateLimit-*</c>; does nothing for a lease without a window (the limiter failed open).</summary>
    public static void Write(HttpResponse response, RateLimitLease lease)
    {
        if (!lease.TryGetMetadata(RateLimitMetadata.Limit, out var limit))
        {
            return;
        }

        response.Headers[LimitHeader] = limit.ToString(CultureInfo.InvariantCulture);
        if (lease.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining))
        {
            response.Headers[RemainingHeader] = remaining.ToString(CultureInfo.InvariantCulture);
        }

        if (lease.TryGetMetadata(RateLimitMetadata.ResetAfter, out var reset))
        {
            response.Headers[ResetHeader] = Seconds(reset);
        }
    }

    /// <summary>Sets <c>Retry-After</c> from a rejected lease (1 s if it does not say) and returns the value.</summary>
    public static string WriteRetryAfter(HttpResponse response, RateLimitLease lease)
    {
        var seconds = Seconds(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero);
        response.Headers.RetryAfter = seconds;
        return seconds;
    }

    /// <summary>The lease's limit, when it has one.</summary>
    public static long? Limit(RateLimitLease lease) => lease.TryGetMetadata(RateLimitMetadata.Limit, out var limit) ? limit : null;

    private static string Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
