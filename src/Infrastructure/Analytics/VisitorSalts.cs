namespace Beacon.Infrastructure.Analytics;

/// <summary>What the daily visitor salts have in common.</summary>
internal static class VisitorSalts
{
    /// <summary>Bytes of randomness in a salt: the HMAC-SHA256 key size.</summary>
    public const int Length = 32;
}
