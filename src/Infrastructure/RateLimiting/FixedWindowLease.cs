using System.Threading.RateLimiting;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>A lease from a <see cref="FixedWindowLimiter"/>, describing the window in its metadata (<see cref="RateLimitMetadata"/>).</summary>
internal sealed class FixedWindowLease : RateLimitLease
{
    /// <summary>Allowed without being counted: the store was unreachable and the limiter failed open. No metadata.</summary>
    public static readonly FixedWindowLease Unenforced = new(true, null, 0);

    /// <summary>
    /// Not decided synchronously: the count lives in Redis, so only the async acquire answers. The ASP.NET Core
    /// middleware tries the synchronous path first and falls through to the async one on this lease.
    /// </summary>
    public static readonly FixedWindowLease AsyncOnly = new(false, null, 0);

    private readonly WindowCount? _count;
    private readonly long _limit;

    public FixedWindowLease(bool isAcquired, WindowCount? count, long limit)
    {
        IsAcquired = isAcquired;
        _count = count;
        _limit = limit;
    }

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames
    {
        get
        {
            if (_count is null)
            {
                yield break;
            }

            yield return RateLimitMetadata.Limit.Name;
            yield return RateLimitMetadata.Remaining.Name;
            yield return RateLimitMetadata.ResetAfter.Name;
            if (!IsAcquired)
            {
                yield return MetadataName.RetryAfter.Name;
            }
        }
    }

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        if (_count is not { } count)
        {
            return false;
        }

        if (metadataName == RateLimitMetadata.Limit.Name)
        {
            metadata = _limit;
        }
        else if (metadataName == RateLimitMetadata.Remaining.Name)
        {
            metadata = Math.Max(0, _limit - count.Count);
        }
        else if (metadataName == RateLimitMetadata.ResetAfter.Name || (metadataName == MetadataName.RetryAfter.Name && !IsAcquired))
        {
            metadata = count.ResetAfter;
        }

        return metadata is not null;
    }
}
