using System.Collections.Concurrent;
using Beacon.Application.Realtime;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// This node's connections, indexed by client id, user id and topic so that resolving an audience costs
/// O(recipients). Writers (connect, disconnect) take a lock; the fan-out path reads immutable arrays. A user's
/// few connections are copied on every change; everyone and each topic are <see cref="ConnectionSet"/>s,
/// whose snapshot is rebuilt lazily, so mass connects and disconnects stay O(N) overall.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, SseConnection> _byClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SseConnection[]> _byUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConnectionSet> _byTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SseConnection[]> _topicSnapshots = new(StringComparer.Ordinal);
    private readonly ConnectionSet _all;
    private readonly bool _mayShareFanOut;
    private volatile bool _shareFanOut;
    private int _nodesOnHost = 1;
    private int _count;

    /// <summary>A registry whose fan-out runs on the calling thread alone.</summary>
    public ConnectionRegistry() => _all = new ConnectionSet(_gate);

    /// <summary>A registry that shares large fan-outs with a helper thread when the options allow and there is a second core.</summary>
    public ConnectionRegistry(IOptions<RealtimeOptions> options)
        : this()
    {
        _mayShareFanOut = options.Value.ParallelFanOut;
        SetNodesOnHost(1);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many Beacon nodes, this one included, run on this machine (<see cref="SetNodesOnHost"/>).</summary>
    public int NodesOnHost => Volatile.Read(ref _nodesOnHost);

    /// <summary>Whether a large fan-out is shared with a helper thread (<see cref="SharedFanOut"/>).</summary>
    public bool SharesFanOut => _shareFanOut;

    /// <summary>
    /// Tells the registry how many Beacon nodes share this machine's cores. A helper thread pays only on a core this
    /// node would otherwise leave idle; where the nodes on a machine are as many as its cores, every core already runs
    /// one node's fan-out of the same broadcast, and a helper per node only competes with them and with the requests
    /// that publish (two nodes on two cores: publish round trip p50 about 20 against 6 ms, delivery p50 38 against
    /// 31 ms; bench/README.md, session 24).
    /// </summary>
    public void SetNodesOnHost(int nodes)
    {
        nodes = Math.Max(1, nodes);
        Volatile.Write(ref _nodesOnHost, nodes);
        _shareFanOut = _mayShareFanOut && Environment.ProcessorCount / nodes > 1;
    }

    /// <summary>Every connection, as an immutable snapshot.</summary>
    public IReadOnlyList<SseConnection> All => _all.Snapshot();

    /// <summary>Adds a connection unless the node already holds <paramref name="maxClients"/>.</summary>
    public bool TryAdd(SseConnection connection, int maxClients) => Add(connection, maxClients, maxPerUser: 0) == RegistryAddResult.Added;

    /// <summary>
    /// Adds a connection unless the node already holds <paramref name="maxClients"/>, or its user already holds
    /// <paramref name="maxPerUser"/> here and on other nodes together (0: no per-user limit; a connection without a
    /// user has none).
    /// </summary>
    /// <param name="connection">The connection to add.</param>
    /// <param name="maxClients">The node's connection limit.</param>
    /// <param name="maxPerUser">The user's connection limit, over the cluster; 0 for none.</param>
    /// <param name="heldElsewhere">
    /// The connections the user holds on other nodes, read before the call: this node's own are counted here, under
    /// the lock, so concurrent connects to this node cannot pass the limit together.
    /// </param>
    public RegistryAddResult Add(SseConnection connection, int maxClients, int maxPerUser, int heldElsewhere = 0)
    {
        lock (_gate)
        {
            if (_all.Count >= maxClients)
            {
                return RegistryAddResult.NodeFull;
            }

            if (maxPerUser > 0 && connection.UserId is { } owner && CountForUser(owner) + heldElsewhere >= maxPerUser)
            {
                return RegistryAddResult.UserFull;
            }

            if (!_byClient.TryAdd(connection.ClientId, connection))
            {
                return RegistryAddResult.DuplicateClientId;
            }

            _all.Add(connection);
            Volatile.Write(ref _count, _all.Count);
            if (connection.UserId is { } userId)
            {
                _byUser[userId] = _byUser.TryGetValue(userId, out var mine) ? [.. mine, connection] : [connection];
            }

            foreach (var topic in connection.Scope.Topics)
            {
                if (!_byTopic.TryGetValue(topic, out var members))
                {
                    _byTopic[topic] = members = new ConnectionSet(_gate);
                }

                members.Add(connection);
                _topicSnapshots.TryRemove(topic, out _);
            }

            return RegistryAddResult.Added;
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

            _all.Remove(connection);
            Volatile.Write(ref _count, _all.Count);
            if (connection.UserId is { } userId)
            {
                RemoveFromIndex(_byUser, userId, connection);
            }

            foreach (var topic in connection.Scope.Topics)
            {
                if (_byTopic.TryGetValue(topic, out var members))
                {
                    members.Remove(connection);
                    if (members.Count == 0)
                    {
                        _byTopic.Remove(topic);
                    }
                }

                _topicSnapshots.TryRemove(topic, out _);
            }
        }
    }

    public SseConnection? Find(string clientId) => _byClient.GetValueOrDefault(clientId);

    /// <summary>
    /// Closes every local stream with <paramref name="reason"/>; returns how many. A bus does this when it cannot tell
    /// which streams have an event it accepted: each client resumes from history with <c>Last-Event-ID</c> instead.
    /// </summary>
    public int CloseAll(CloseReason reason)
    {
        var connections = All;
        foreach (var connection in connections)
        {
            connection.Close(reason);
        }

        return connections.Count;
    }

    /// <summary>Closes every local stream of <paramref name="userId"/> with <paramref name="reason"/>; returns how many.</summary>
    public int CloseUser(string userId, CloseReason reason)
    {
        var mine = _byUser.GetValueOrDefault(userId) ?? [];
        foreach (var connection in mine)
        {
            connection.Close(reason);
        }

        return mine.Length;
    }

    /// <summary>The connections subscribed to <paramref name="topic"/> here, and their distinct users.</summary>
    public (int Connections, int Users) TopicPresence(string topic)
    {
        var (connections, users) = TopicSubscribers(topic);
        return (connections, users.Count);
    }

    /// <summary>The connections subscribed to <paramref name="topic"/> here, and their distinct users by id.</summary>
    public (int Connections, HashSet<string> Users) TopicSubscribers(string topic)
    {
        var members = TopicMembers(topic);
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member.UserId is { } userId)
            {
                users.Add(userId);
            }
        }

        return (members.Length, users);
    }

    /// <summary>Every topic some local connection is subscribed to.</summary>
    public string[] Topics
    {
        get
        {
            lock (_gate)
            {
                return [.. _byTopic.Keys];
            }
        }
    }

    public int CountForUser(string userId) => _byUser.TryGetValue(userId, out var mine) ? mine.Length : 0;

    /// <summary>The local connections an event for <paramref name="audience"/> goes to, each once.</summary>
    public SseConnection[] Resolve(Audience audience)
    {
        switch (audience.Kind)
        {
            case AudienceKind.All:
                return _all.Snapshot();
            case AudienceKind.Users:
                // User ids are distinct, so their connection sets are disjoint.
                return audience.Targets.Count == 1
                    ? _byUser.GetValueOrDefault(audience.Targets[0]) ?? []
                    : audience.Targets.SelectMany(u => _byUser.GetValueOrDefault(u) ?? []).ToArray();
            case AudienceKind.Topics:
                return audience.Targets.Count == 1
                    ? TopicMembers(audience.Targets[0])
                    : audience.Targets.SelectMany(TopicMembers).Distinct().ToArray();
            case AudienceKind.Clients:
                return audience.Targets.Select(Find).OfType<SseConnection>().ToArray();
            case AudienceKind.Metadata:
                return _all.Snapshot().Where(c => c.Scope.IsIn(audience)).ToArray();
            default:
                return [];
        }
    }

    /// <summary>
    /// Queues <paramref name="frame"/> on every local recipient; returns how many took it. Never waits for a client;
    /// a large audience is shared with a helper thread where the node has a second core, and yields the core between
    /// chunks where its fan-out takes every core of the machine (<see cref="SharedFanOut"/>).
    /// </summary>
    public int Deliver(EncodedEvent frame) => SharedFanOut.Deliver(frame, Resolve(frame.Audience), _shareFanOut);

    /// <summary>
    /// Queues a batch of events that share one audience, in order, on every local recipient; <paramref name="delivered"/>[i]
    /// counts the recipients that took <paramref name="frames"/>[i] (<see cref="SharedFanOut.DeliverRange(EncodedEvent[], SseConnection[], int, int, Span{int})"/>).
    /// </summary>
    public void Deliver(EncodedEvent[] frames, int[] delivered)
    {
        SharedFanOut.Deliver(frames, Resolve(frames[0].Audience), delivered, _shareFanOut);
    }

    /// <summary>A topic's members without a lock: the cached snapshot, built under the lock after a change.</summary>
    private SseConnection[] TopicMembers(string topic)
    {
        if (_topicSnapshots.TryGetValue(topic, out var snapshot))
        {
            return snapshot;
        }

        lock (_gate)
        {
            snapshot = _byTopic.TryGetValue(topic, out var members) ? members.Snapshot() : [];
            _topicSnapshots[topic] = snapshot;
            return snapshot;
        }
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
