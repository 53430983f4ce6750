using System.Collections.Concurrent;
using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// This node's connections, indexed by client id, user id and topic so that resolving an audience costs
/// O(recipients). Writers (connect, disconnect) take a lock and publish new immutable arrays; the
/// fan-out path only reads those arrays and never takes a lock.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, SseConnection> _byClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SseConnection[]> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SseConnection[]> _byTopic = new(StringComparer.Ordinal);
    private SseConnection[] _all = [];

    public int Count => Volatile.Read(ref _all).Length;

    /// <summary>Every connection, as an immutable snapshot.</summary>
    public IReadOnlyList<SseConnection> All => Volatile.Read(ref _all);

    /// <summary>Adds a connection unless the node already holds <paramref name="maxClients"/>.</summary>
    public bool TryAdd(SseConnection connection, int maxClients)
    {
        lock (_gate)
        {
            if (_all.Length >= maxClients || !_byClient.TryAdd(connection.ClientId, connection))
            {
                return false;
            }

            Volatile.Write(ref _all, [.. _all, connection]);
            if (connection.UserId is { } userId)
            {
                _byUser[userId] = _byUser.TryGetValue(userId, out var mine) ? [.. mine, connection] : [connection];
            }

            foreach (var topic in connection.Scope.Topics)
            {
                _byTopic[topic] = _byTopic.TryGetValue(topic, out var members) ? [.. members, connection] : [connection];
            }

            return true;
        }
    }

    public void Remove(SseConnection connection)
    {
        lock (_gate)
        {
            if (!_byClient.TryRemove(new KeyValuePair<string, SseConnection>(connection.ClientId, connection)))
            {
                return;
            }

            Volatile.Write(ref _all, Without(_all, connection));
            if (connection.UserId is { } userId)
            {
                RemoveFromIndex(_byUser, userId, connection);
            }

            foreach (var topic in connection.Scope.Topics)
            {
                RemoveFromIndex(_byTopic, topic, connection);
            }
        }
    }

    public SseConnection? Find(string clientId) => _byClient.GetValueOrDefault(clientId);

    public int CountForUser(string userId) => _byUser.TryGetValue(userId, out var mine) ? mine.Length : 0;

    /// <summary>The local connections an event for <paramref name="audience"/> goes to, each once.</summary>
    public IReadOnlyList<SseConnection> Resolve(Audience audience)
    {
        switch (audience.Kind)
        {
            case AudienceKind.All:
                return Volatile.Read(ref _all);
            case AudienceKind.Users:
                // User ids are distinct, so their connection sets are disjoint.
                return audience.Targets.Count == 1
                    ? _byUser.GetValueOrDefault(audience.Targets[0]) ?? []
                    : audience.Targets.SelectMany(u => _byUser.GetValueOrDefault(u) ?? []).ToArray();
            case AudienceKind.Topics:
                return audience.Targets.Count == 1
                    ? _byTopic.GetValueOrDefault(audience.Targets[0]) ?? []
                    : audience.Targets.SelectMany(t => _byTopic.GetValueOrDefault(t) ?? []).Distinct().ToArray();
            case AudienceKind.Clients:
                return audience.Targets.Select(Find).OfType<SseConnection>().ToArray();
            case AudienceKind.Metadata:
                return Volatile.Read(ref _all).Where(c => c.Scope.IsIn(audience)).ToArray();
            default:
                return [];
        }
    }

    /// <summary>Queues <paramref name="frame"/> on every local recipient. Never blocks; returns how many took it.</summary>
    public int Deliver(EncodedEvent frame)
    {
        var recipients = Resolve(frame.Audience);
        var delivered = 0;
        for (var i = 0; i < recipients.Count; i++)
        {
            if (recipients[i].Profile.Accepts(frame.Type) && recipients[i].TryEnqueue(frame))
            {
                delivered++;
            }
        }

        return delivered;
    }

    private static void RemoveFromIndex(ConcurrentDictionary<string, SseConnection[]> index, string key, SseConnection connection)
    {
        if (!index.TryGetValue(key, out var members))
        {
            return;
        }

        var remaining = Without(members, connection);
        if (remaining.Length == 0)
        {
            index.TryRemove(key, out _);
        }
        else
        {
            index[key] = remaining;
        }
    }

    private static SseConnection[] Without(SseConnection[] connections, SseConnection connection)
    {
        var index = Array.IndexOf(connections, connection);
        if (index < 0)
        {
            return connections;
        }

        var result = new SseConnection[connections.Length - 1];
        Array.Copy(connections, 0, result, 0, index);
        Array.Copy(connections, index + 1, result, index, connections.Length - index - 1);
        return result;
    }
}
