using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// The <see cref="RateLimitPolicies.SseConnections"/> limit, one instance for every stream route: <c>GET /api/sse</c>
/// (outside the middleware pipeline) and <c>/api/ws</c> (an endpoint filter). One window per user or address across
/// both, so a client cannot double its streams by switching transport.
/// </summary>
internal sealed class StreamConnectLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext>? _limiter;

    public StreamConnectLimiter(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (settings.Enabled)
        {
            var policy = new UserOrIpRateLimitPolicy(RateLimitPolicies.SseConnections, settings.SseConnections, services.GetRequiredService<IPartitionLimiterFactory>(), services.GetRequiredService<IHttpContextAccessor>());
            _limiter = PartitionedRateLimiter.Create<HttpContext, string>(policy.GetPartition);
        }
    }

    /// <summary>
    /// Takes a permit for <paramref name="context"/>'s caller; null when rate limiting is off. A lease that was not
    /// acquired means the 429 problem has been written.
    /// </summary>
    public async ValueTask<RateLimitLease?> AcquireAsync(HttpContext context)
    {
        if (_limiter is null)
        {
            return null;
        }

        var lease = await _limiter.AcquireAsync(context, 1, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            StagedResponseHeaders.Unstage(context);
            await RateLimitingSetup.WriteRejectionAsync(context, lease, RateLimitPolicies.SseConnections);
        }

        return lease;
    }

    /// <summary>An endpoint filter for routes inside the pipeline: the handler runs only with a permit.</summary>
    public async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        using var lease = await AcquireAsync(invocation.HttpContext);
        return lease is { IsAcquired: false } ? Results.Empty : await next(invocation);
    }

    public void Dispose() => _limiter?.Dispose();
}
