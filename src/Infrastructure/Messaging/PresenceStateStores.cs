using System.Collections.Concurrent;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Redis;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Messaging;

/// <summary>What the presence monitor keeps besides connections: idle flags and the presence last announced.</summary>
internal interface IPresenceStateStore
{
    ValueTask SetIdleAsync(string userId, bool idle);

    ValueTask<IReadOnlyDictionary<string, bool>> AreIdleAsync(IReadOnlyCollection<string> userIds);

    /// <summary>Records <paramref name="status"/> as announced and returns what was announced before (null if never).</summary>
    ValueTask<PresenceStatus?> SwapAnnouncedAsync(string userId, PresenceStatus status);
}

internal sealed class InMemoryPresenceStateStore : IPresenceStateStore
{
    private readonly ConcurrentDictionary<string, bool> _idle = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PresenceStatus> _announced = new(StringComparer.Ordinal);

    public ValueTask SetIdleAsync(string userId, bool idle)
    {
        if (idle)
        {
            _idle[userId] = true;
        }
        else
        {
            _idle.TryRemove(userId, out _);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyDictionary<string, bool>> AreIdleAsync(IReadOnlyCollection<string> userIds) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, bool>>(userIds.Distinct().ToDictionary(u => u, _idle.ContainsKey));

    public ValueTask<PresenceStatus?> SwapAnnouncedAsync(string userId, PresenceStatus status)
    {
        PresenceStatus? previous = null;
        _announced.AddOrUpdate(userId, status, (_, old) =>
        {
            previous = old;
            return status;
        });

        // Offline is the default: forgetting offline users keeps the map to the users online now.
        if (status == PresenceStatus.Offline)
        {
            _announced.TryRemove(new KeyValuePair<string, PresenceStatus>(userId, PresenceStatus.Offline));
        }

        return ValueTask.FromResult(previous);
    }
}

internal sealed class RedisPresenceStateStore(IConnectionMultiplexer redis) : IPresenceStateStore
{
    // Presence of a user nobody has seen for a day is offline anyway.
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(1);

    public async ValueTask SetIdleAsync(string userId, bool idle)
    {
        var db = redis.GetDatabase();
        _ = idle ? await db.StringSetAsync(RedisKeys.PresenceIdle(userId), 1, Ttl) : await db.KeyDeleteAsync(RedisKeys.PresenceIdle(userId));
    }

    public async ValueTask<IReadOnlyDictionary<string, bool>> AreIdleAsync(IReadOnlyCollection<string> userIds)
    {
        var ids = userIds.Distinct().ToArray();
        var values = await redis.GetDatabase().StringGetAsync(ids.Select(u => (RedisKey)RedisKeys.PresenceIdle(u)).ToArray());
        return ids.Select((u, i) => (u, values[i].HasValue)).ToDictionary(p => p.u, p => p.Item2);
    }

    public async ValueTask<PresenceStatus?> SwapAnnouncedAsync(string userId, PresenceStatus status)
    {
        // SET … GET is atomic: of two nodes announcing the same change, only one sees the old value differ.
        var previous = await redis.GetDatabase().StringSetAndGetAsync(RedisKeys.PresenceAnnounced(userId), status.ToString(), Ttl);
        return previous.HasValue && Enum.TryParse<PresenceStatus>(previous.ToString(), out var parsed) ? parsed : null;
    }
}
