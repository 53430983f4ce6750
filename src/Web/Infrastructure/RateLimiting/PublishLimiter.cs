using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// The <see cref="RateLimitPolicies.Publish"/> windows, one set for both publish routes: the middleware takes a permit per
/// request through <see cref="Forward"/>, and <c>POST /api/events/batch</c> takes one more per further event, so a batch
/// of N events costs N permits, as N single publishes would. Without the one set, the middleware's windows would be its
/// own, and a batch would count as one event.
/// </summary>
internal sealed class PublishLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public PublishLimiter(IServiceProvider services)
    {
        Rule = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Publish;
        _limiter = UserOrIpRateLimitPolicy.CreateLimiter(services, RateLimitPolicies.Publish, s => s.Publish);
    }

    /// <summary>The rule: at most <see cref="RateLimitRule.PermitLimit"/> events per window and publisher.</summary>
    public RateLimitRule Rule { get; }

    /// <summary>Whether publishing is rate limited (<c>RateLimiting:Enabled</c>).</summary>
    public bool Enabled => _limiter is not null;

    /// <summary>The middleware's partition for <paramref name="context"/>: a view of this limiter's window for the caller.</summary>
    public RateLimitPartition<string> Forward(HttpContext context) =>
        RateLimitPartition.Get(ClientPartition.For(context), key => new ForwardingLimiter(_limiter!, key));

    /// <summary>
    /// Takes <paramref name="permits"/> more for <paramref name="context"/>'s caller; null when rate limiting is off. A lease
    /// that was not acquired means the 429 problem has been written.
    /// </summary>
    public async ValueTask<RateLimitLease?> AcquireAsync(HttpContext context, int permits)
    {
        if (_limiter is null || permits <= 0)
        {
            return null;
        }

        var lease = await _limiter.AcquireAsync(ClientPartition.For(context), permits, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            await RateLimitingSetup.WriteRejectionAsync(context, lease, RateLimitPolicies.Publish);
        }

        return lease;
    }

    public void Dispose() => _limiter?.Dispose();

    /// <summary>
    /// What the middleware caches per partition: it holds no count (the shared limiter does), so the middleware may drop it
    /// whenever it likes; it reports itself idle at once, and disposing it disposes nothing.
    /// </summary>
    private sealed class ForwardingLimiter(PartitionedRateLimiter<string> shared, string key) : RateLimiter
    {
        public override TimeSpan? IdleDuration => TimeSpan.MaxValue;

        public override RateLimiterStatistics? GetStatistics() => shared.GetStatistics(key);

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => shared.AttemptAcquire(key, permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            shared.AcquireAsync(key, permitCount, cancellationToken);
    }
}
