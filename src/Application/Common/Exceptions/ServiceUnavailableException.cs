namespace Beacon.Application.Common.Exceptions;

/// <summary>A dependency needed to accept the request is unavailable; maps to 503 with Retry-After.</summary>
public sealed class ServiceUnavailableException(string message, TimeSpan retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>How long the caller should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
