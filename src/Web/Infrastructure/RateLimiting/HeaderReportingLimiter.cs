using System.Threading.RateLimiting;

namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// Writes <c>X-RateLimit-*</c> from every acquired lease onto the current response. The middleware keeps
/// allowed leases to itself (only rejected ones reach <c>OnRejected</c>), and a partition's limiter is shared
/// by that partition's concurrent requests, so the response is found through the request's own async flow
/// (<see cref="IHttpContextAccessor"/>), which the middleware's acquire runs in.
/// </summary>
internal sealed class HeaderReportingLimiter(RateLimiter inner, IHttpContextAccessor accessor) : RateLimiter
{
    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Report(inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Report(await inner.AcquireAsync(permitCount, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
    }

    protected override ValueTask DisposeAsyncCore() => inner.DisposeAsync();

    private RateLimitLease Report(RateLimitLease lease)
    {
        if (lease.IsAcquired && accessor.HttpContext?.Response is { HasStarted: false } response)
        {
            RateLimitHeaders.Write(response, lease);
        }

        return lease;
    }
}
