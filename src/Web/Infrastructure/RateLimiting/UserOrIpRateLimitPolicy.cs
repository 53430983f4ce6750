using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// One named policy: a fixed window per <see cref="ClientPartition"/> (user, else IP), counted by the limiter
/// Infrastructure provides for this deployment. The framework caches one limiter per partition and drops it
/// once idle.
/// </summary>
public sealed class UserOrIpRateLimitPolicy : IRateLimiterPolicy<string>
{
    private readonly Func<string, RateLimiter> _create;

    public UserOrIpRateLimitPolicy(string name, RateLimitRule rule, IPartitionLimiterFactory limiters, IHttpContextAccessor accessor)
    {
        _create = partition => new HeaderReportingLimiter(limiters.Create(name, partition, rule), accessor);
    }

    /// <summary>None: the app-wide handler (<see cref="RateLimitingSetup"/>) writes the 429.</summary>
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) => GetPartition(ClientPartition.For(httpContext));

    /// <summary>The partition of a <see cref="ClientPartition"/> key, for a caller known other than by the request's principal.</summary>
    public RateLimitPartition<string> GetPartition(string partitionKey) => RateLimitPartition.Get(partitionKey, _create);
}
