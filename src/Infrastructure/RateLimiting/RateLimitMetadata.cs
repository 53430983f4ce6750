using System.Threading.RateLimiting;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>
/// What Beacon's leases report, acquired or not, so the web layer can write <c>X-RateLimit-*</c> on every
/// limited response. A rejected lease also carries <see cref="MetadataName.RetryAfter"/>. A lease without
/// these names was not enforced (the limiter failed open).
/// </summary>
public static class RateLimitMetadata
{
    /// <summary>Requests allowed per window.</summary>
    public static readonly MetadataName<long> Limit = MetadataName.Create<long>("RATE_LIMIT_LIMIT");

    /// <summary>Requests left in the current window after this one.</summary>
    public static readonly MetadataName<long> Remaining = MetadataName.Create<long>("RATE_LIMIT_REMAINING");

    /// <summary>Time until the current window ends and the count resets.</summary>
    public static readonly MetadataName<TimeSpan> ResetAfter = MetadataName.Create<TimeSpan>("RATE_LIMIT_RESET_AFTER");
}
