namespace Beacon.Infrastructure.Realtime.Idempotency;

/// <summary>
/// How long an unfinished claim holds its key: long enough for a publish (which gives up on Redis long before), short
/// enough that a node that died mid-request does not block the key's retries for the whole window.
/// </summary>
internal static class IdempotencyEntry
{
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromSeconds(30);
}
