using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Idempotency;

/// <summary>
/// The <see cref="IIdempotencyStore"/> of a Redis deployment, so a retry that lands on another node finds its key.
/// One string per key: <c>P|fingerprint</c> while claimed (<c>SET NX</c>, for <see cref="IdempotencyEntry.PendingLifetime"/>),
/// <c>D|fingerprint|result</c> once completed (for the window).
/// </summary>
internal sealed partial class RedisIdempotencyStore(IConnectionMultiplexer redis, IOptions<RealtimeOptions> options, ILogger<RedisIdempotencyStore> logger) : IIdempotencyStore
{
    private const string Pending = "P|";
    private const string Done = "D|";

    private readonly TimeSpan _window = TimeSpan.FromSeconds(options.Value.IdempotencyWindowSeconds);

    private static RedisKey Key(string key) => "{beacon}:idempotency:" + key;

    public async ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.GetDatabase();

            // A key that expires between the SET and the GET is claimed on the second pass.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                if (await database.StringSetAsync(Key(key), Pending + fingerprint, IdempotencyEntry.PendingLifetime, When.NotExists))
                {
                    return new IdempotencyClaim(IdempotencyClaimStatus.Claimed);
                }

                if (await database.StringGetAsync(Key(key)) is { HasValue: true } found)
                {
                    return Read(found.ToString(), fingerprint);
                }
            }

            return new IdempotencyClaim(IdempotencyClaimStatus.InProgress);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            throw RedisFailures.Unavailable("The Idempotency-Key could not be checked; nothing was published", ex);
        }
    }

    public async ValueTask CompleteAsync(string key, string fingerprint, string result, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(key), Done + fingerprint + "|" + result, _window);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            // The event is published and the caller gets its id; only a retry within the claim's lifetime would be told
            // the request is in progress, and one after it would publish again.
            LogNotCompleted(logger, ex);
        }
    }

    public async ValueTask ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(Key(key));
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            // The claim lapses by itself after IdempotencyEntry.PendingLifetime.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event was published but its Idempotency-Key could not be marked done in Redis; a retry after the claim lapses would publish it again")]
    private static partial void LogNotCompleted(ILogger logger, Exception exception);

    private static IdempotencyClaim Read(string value, string fingerprint)
    {
        var done = value.StartsWith(Done, StringComparison.Ordinal);
        var rest = value.AsSpan(done ? Done.Length : Pending.Length);
        var separator = rest.IndexOf('|');
        var stored = separator < 0 ? rest : rest[..separator];
        if (!stored.SequenceEqual(fingerprint))
        {
            return new IdempotencyClaim(IdempotencyClaimStatus.Mismatch);
        }

        return done && separator >= 0
            ? new IdempotencyClaim(IdempotencyClaimStatus.Completed, rest[(separator + 1)..].ToString())
            : new IdempotencyClaim(IdempotencyClaimStatus.InProgress);
    }
}
