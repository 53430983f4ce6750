namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>The limits these tests assert, instead of the generous ones every other host gets from <see cref="BeaconHost"/>.</summary>
public static class RateLimits
{
    public const int Streams = 5;
    public const int StreamWindowSeconds = 60;
    public const int Publishes = 10;
    public const int PublishWindowSeconds = 60;

    /// <summary>
    /// The shipped stream limit (5 new streams per 60 s). Publishing gets 10 per 60 s rather than the shipped
    /// 100 per 10 s, whose window could roll over in the middle of a test on a loaded machine.
    /// </summary>
    public static readonly (string Key, string Value)[] Settings =
    [
        ("RateLimiting:SseConnections:PermitLimit", Streams.ToString()),
        ("RateLimiting:SseConnections:WindowSeconds", StreamWindowSeconds.ToString()),
        ("RateLimiting:Publish:PermitLimit", Publishes.ToString()),
        ("RateLimiting:Publish:WindowSeconds", PublishWindowSeconds.ToString()),
    ];
}

/// <summary>An embedded host with the real limits of <see cref="RateLimits"/>.</summary>
public sealed class RateLimitedHost() : BeaconHost(RateLimits.Settings);

/// <summary>The real stream limit, and one stream per user at a time.</summary>
public sealed class RateLimitedOneStreamPerUserHost() : BeaconHost([.. RateLimits.Settings, ("Realtime:MaxStreamsPerUser", "1")]);

/// <summary>An embedded host with <c>RateLimiting:Enabled</c> = false.</summary>
public sealed class RateLimitingDisabledHost() : BeaconHost([.. RateLimits.Settings, ("RateLimiting:Enabled", "false")]);
