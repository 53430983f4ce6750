using System.Threading.RateLimiting;
using Beacon.Infrastructure.Realtime.Sse;

namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// The <see cref="RateLimitPolicies.SseConnections"/> limit, one instance for every stream route (<c>GET /api/sse</c>,
/// <c>GET /api/notifications/stream</c>, <c>/api/ws</c>), taken by <see cref="Endpoints.SseConnectPipeline"/> outside
/// the middleware pipeline. One window per user or address across them, so a client cannot double its streams by
/// switching transport. A stream opened with a one-time ticket counts against the ticket's user once it is redeemed
/// (<see cref="Endpoints.SseRoute.ChargesRedeemedUser"/>), not against its address: every user behind one NAT or
/// proxy would otherwise share one window.
/// </summary>
internal sealed class StreamConnectLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public StreamConnectLimiter(IServiceProvider services) =>
        _limiter = UserOrIpRateLimitPolicy.CreateLimiter(services, RateLimitPolicies.SseConnections, s => s.SseConnections);

    /// <summary>
    /// Takes a permit for <paramref name="context"/>'s caller: <paramref name="userId"/> when given (a user the route
    /// identified), else the request's principal or address (<see cref="ClientPartition"/>). Null when rate limiting is
    /// off. A lease that was not acquired means the 429 problem has been written.
    /// </summary>
    public async ValueTask<RateLimitLease?> AcquireAsync(HttpContext context, string? userId = null)
    {
        if (_limiter is null)
        {
            return null;
        }

        var partition = userId is null ? ClientPartition.For(context) : ClientPartition.ForUser(userId);
        var lease = await _limiter.AcquireAsync(partition, 1, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            StagedResponseHeaders.Unstage(context);
            await RateLimitingSetup.WriteRejectionAsync(context, lease, RateLimitPolicies.SseConnections);
        }

        return lease;
    }

    public void Dispose() => _limiter?.Dispose();
}
