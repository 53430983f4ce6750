using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>One fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimitRule
{
    /// <summary>Requests allowed per window, per user (or per client IP when anonymous).</summary>
    [Range(1, 1_000_000_000)]
    public int PermitLimit { get; set; }

    /// <summary>The window length; it starts with the first request and the count resets when it ends.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    /// <summary><see cref="WindowSeconds"/> as a span.</summary>
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
