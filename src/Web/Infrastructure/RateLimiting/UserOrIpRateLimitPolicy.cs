using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

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

    /// <summary>
    /// The policy's limiter for a route that takes its permits itself, outside the middleware: one per partition key,
    /// cached and dropped once idle as the middleware does. Null when rate limiting is off.
    /// </summary>
    internal static PartitionedRateLimiter<string>? CreateLimiter(IServiceProvider services, string name, Func<RateLimitingOptions, RateLimitRule> rule)
    {
        var settings = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!settings.Enabled)
        {
            return null;
        }

        var policy = new UserOrIpRateLimitPolicy(name, rule(settings), services.GetRequiredService<IPartitionLimiterFactory>(), services.GetRequiredService<IHttpContextAccessor>());
        return PartitionedRateLimiter.Create<string, string>(policy.GetPartition);
    }

    /// <summary>The partition of a <see cref="ClientPartition"/> key, for a caller known other than by the request's principal.</summary>
    public RateLimitPartition<string> GetPartition(string partitionKey) => RateLimitPartition.Get(partitionKey, _create);
}
