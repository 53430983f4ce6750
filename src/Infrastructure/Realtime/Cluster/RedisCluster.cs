using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Cluster;

/// <summary>
/// Registers this node and its connections in Redis, so stats, the monitor and presence are global.
/// Connects and disconnects are queued and written in the background (a Redis blip never delays a
/// stream); a heartbeat refreshes the node's keys, which expire after three missed beats when a node
/// dies without shutting down. <see cref="StaleEntryCleaner"/> removes what such a node left behind.
/// </summary>
internal sealed partial class RedisCluster(
    IConnectionMultiplexer redis,
    ConnectionRegistry registry,
    RealtimeCounters counters,
    NodeIdentity node,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    ILogger<RedisCluster> logger) : BackgroundService, IClusterView, IPresenceStore, IConnectionTracker, ITopicPresence
{
    private readonly Channel<(bool Open, SseConnection Connection)> _changes = Channel.CreateUnbounded<(bool, SseConnection)>(new() { SingleReader = true });

    // Changes read off the queue and not yet written (true: open). Only the writer loop touches it.
    private readonly Dictionary<SseConnection, bool> _unwritten = new(ReferenceEqualityComparer.Instance);
    private readonly TimeSpan _beat = TimeSpan.FromSeconds(options.Value.NodeHeartbeatSeconds);
    private volatile bool _resyncAll = true;

    private TimeSpan Ttl => _beat * 3;

    public void Connected(SseConnection connection) => _changes.Writer.TryWrite((true, connection));

    public void Disconnected(SseConnection connection) => _changes.Writer.TryWrite((false, connection));

    public async Task<ClusterSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var db = redis.GetDatabase();
            var nodes = new List<NodeSnapshot>();
            var byUser = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var nodeId in (await db.SetMembersAsync(RedisKeys.Nodes)).Select(v => (string)v!))
            {
                var fields = (await db.HashGetAllAsync(RedisKeys.Node(nodeId))).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
                if (fields.Count == 0)
                {
                    continue; // expired: dead, awaiting cleanup
                }

                var connections = await db.HashValuesAsync(RedisKeys.NodeConnections(nodeId));
                foreach (var userId in connections.Select(c => ConnectionEntry.UserOf(c!)).OfType<string>())
                {
                    byUser[userId] = byUser.GetValueOrDefault(userId) + 1;
                }

                nodes.Add(new NodeSnapshot(nodeId, connections.Length, Time(fields, "started"), Time(fields, "heartbeat"), Long(fields, "sent"), Long(fields, "slow")));
            }

            return new ClusterSnapshot("redis", nodes, byUser);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("cluster_read");
            throw RedisFailures.Unavailable("Cluster figures could not be read", ex);
        }
    }

    public async Task<IReadOnlyDictionary<string, bool>> GetOnlineAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = redis.GetDatabase();
            var distinct = userIds.Distinct().ToArray();
            var counts = await Task.WhenAll(distinct.Select(u => db.SetLengthAsync(RedisKeys.UserPresence(u))));
            return distinct.Select((u, i) => (u, counts[i] > 0)).ToDictionary(p => p.u, p => p.Item2);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("presence_read");
            throw RedisFailures.Unavailable("Presence could not be read", ex);
        }
    }

    public async Task<TopicPresence> GetAsync(string topic, CancellationToken cancellationToken = default)
    {
        try
        {
            // A node that died stops refreshing its topics and their users, which expire with its registration. Users
            // are counted once over the nodes (a user with streams on two counts once): exact sets rather than
            // HyperLogLogs, which cannot forget a user who leaves.
            var counts = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                TopicPresenceScript.Script, [RedisKeys.Nodes], [RedisKeys.Node(string.Empty), topic]))!;
            return new TopicPresence(topic, (int)counts[0], (int)counts[1]);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("cluster_read");
            throw RedisFailures.Unavailable("Topic presence could not be read", ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextBeat = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WriteChangesAsync();
                if (clock.GetUtcNow() >= nextBeat)
                {
                    await HeartbeatAsync();
                    nextBeat = clock.GetUtcNow() + _beat;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(_beat);
                await _changes.Reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // heartbeat due
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (RedisFailures.IsOutage(ex))
            {
                // Keep the unwritten changes' effect: the next heartbeat rewrites the whole registration.
                LogRedisDown(logger, ex);
                counters.RedisError("registration");
                _resyncAll = true;
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    /// <summary>On shutdown the node removes its own entries, so counts drop at once rather than after the TTL.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Streams closed during shutdown queued their removals; write those first.
            await WriteChangesAsync();
            var db = redis.GetDatabase();
            var removals = registry.All.Where(c => c.UserId is not null)
                .Select(c => (Task)db.SetRemoveAsync(RedisKeys.UserPresence(c.UserId!), Member(c)))
                .Append(db.KeyDeleteAsync(registry.Topics.Select(t => (RedisKey)RedisKeys.NodeTopicUsers(node.NodeId, t)).ToArray()))
                .Append(db.KeyDeleteAsync([RedisKeys.Node(node.NodeId), RedisKeys.NodeConnections(node.NodeId), RedisKeys.NodeTopics(node.NodeId), RedisKeys.NodeUsers(node.NodeId)]))
                .Append(db.SetRemoveAsync(RedisKeys.Nodes, node.NodeId));
            await Task.WhenAll(removals);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogRedisDown(logger, ex); // the cleanup job removes them once they expire
        }
    }

    private async Task WriteChangesAsync()
    {
        // Taken off the queue into what is still to write, kept there until a write succeeds: a stream that closed
        // while Redis was down must still leave its user's presence when Redis is back (the heartbeat's resync only
        // re-adds the streams that are open). Only a connection's latest change matters.
        while (_changes.Reader.TryRead(out var change))
        {
            _unwritten[change.Connection] = change.Open;
        }

        if (_unwritten.Count == 0)
        {
            return;
        }

        var db = redis.GetDatabase();
        var pending = new List<Task>(_unwritten.Count * 2);
        // Topic → the users whose streams on it changed (null: only anonymous ones).
        var topics = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        var changedUsers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (c, open) in _unwritten)
        {
            foreach (var topic in c.Scope.Topics)
            {
                ref var users = ref CollectionsMarshal.GetValueRefOrAddDefault(topics, topic, out _);
                if (c.UserId is not null)
                {
                    (users ??= new HashSet<string>(StringComparer.Ordinal)).Add(c.UserId);
                }
            }

            if (c.UserId is not null)
            {
                changedUsers.Add(c.UserId);
            }

            if (open)
            {
                pending.Add(db.HashSetAsync(RedisKeys.NodeConnections(node.NodeId), c.ClientId, ConnectionEntry.Describe(c)));
                if (c.UserId is not null)
                {
                    pending.Add(db.SetAddAsync(RedisKeys.UserPresence(c.UserId), Member(c)));
                }
            }
            else
            {
                pending.Add(db.HashDeleteAsync(RedisKeys.NodeConnections(node.NodeId), c.ClientId));
                if (c.UserId is not null)
                {
                    pending.Add(db.SetRemoveAsync(RedisKeys.UserPresence(c.UserId), Member(c)));
                }
            }
        }

        // A topic's figures are read from the registry as they are now, not added up from the changes: a write that
        // failed and is retried, or one that overtook another, still leaves the right count.
        // The topic's user set follows the same way: a changed user is in it while they hold a stream on the topic here.
        var topicsKey = RedisKeys.NodeTopics(node.NodeId);
        foreach (var (topic, changed) in topics)
        {
            var (connections, users) = registry.TopicSubscribers(topic);
            var topicUsersKey = RedisKeys.NodeTopicUsers(node.NodeId, topic);
            if (connections == 0)
            {
                pending.Add(db.HashDeleteAsync(topicsKey, topic));
                pending.Add(db.KeyDeleteAsync(topicUsersKey));
                continue;
            }

            pending.Add(db.HashSetAsync(topicsKey, topic, TopicCount.Format(connections, users.Count)));
            if (changed is null)
            {
                continue;
            }

            var (present, gone) = (changed.Where(users.Contains).Select(u => (RedisValue)u).ToArray(), changed.Where(u => !users.Contains(u)).Select(u => (RedisValue)u).ToArray());
            if (present.Length > 0)
            {
                pending.Add(db.SetAddAsync(topicUsersKey, present));
            }

            if (gone.Length > 0)
            {
                pending.Add(db.SetRemoveAsync(topicUsersKey, gone));
            }

            // A set created here has no TTL until the next heartbeat; give it one now, so it cannot outlive a node that dies first.
            pending.Add(db.KeyExpireAsync(topicUsersKey, Ttl));
        }

        // A user's count likewise (the cluster-wide Realtime:MaxStreamsPerUser reads it on the other nodes).
        var usersKey = RedisKeys.NodeUsers(node.NodeId);
        foreach (var userId in changedUsers)
        {
            var count = registry.CountForUser(userId);
            pending.Add(count == 0 ? db.HashDeleteAsync(usersKey, userId) : db.HashSetAsync(usersKey, userId, count));
        }

        await Task.WhenAll(pending);
        _unwritten.Clear();
    }

    private async Task HeartbeatAsync()
    {
        var db = redis.GetDatabase();
        var now = clock.GetUtcNow();
        var local = registry.All;
        HashEntry[] fields =
        [
            new("started", node.StartedAt.ToUnixTimeMilliseconds()),
            new("heartbeat", now.ToUnixTimeMilliseconds()),
            new("connections", local.Count),
            new("sent", counters.EventsSent),
            new("slow", counters.SlowConsumerDisconnects),
            new("host", Host),
        ];
        var connectionsKey = RedisKeys.NodeConnections(node.NodeId);
        if (_resyncAll || await db.HashLengthAsync(connectionsKey) != local.Count)
        {
            // After an outage or an expiry the stored set may be stale: rewrite it from the registry.
            await db.KeyDeleteAsync(connectionsKey);
            if (local.Count > 0)
            {
                await db.HashSetAsync(connectionsKey, local.Select(c => new HashEntry(c.ClientId, ConnectionEntry.Describe(c))).ToArray());
            }

            await Task.WhenAll(local.Where(c => c.UserId is not null).Select(c => db.SetAddAsync(RedisKeys.UserPresence(c.UserId!), Member(c))));
            await RewriteTopicsAsync(db);
            await RewriteUsersAsync(db, local);
            _resyncAll = false;
        }

        await Task.WhenAll(
            db.HashSetAsync(RedisKeys.Node(node.NodeId), fields),
            db.KeyExpireAsync(RedisKeys.Node(node.NodeId), Ttl),
            db.KeyExpireAsync(connectionsKey, Ttl),
            db.KeyExpireAsync(RedisKeys.NodeTopics(node.NodeId), Ttl),
            db.KeyExpireAsync(RedisKeys.NodeUsers(node.NodeId), Ttl),
            RefreshTopicUsersAsync(db),
            db.SetAddAsync(RedisKeys.Nodes, node.NodeId));
        counters.HeartbeatWritten(now);
        await CountNodesOnHostAsync(db);
    }

    /// <summary>
    /// Rewrites this node's topics hash and topic user sets from the registry. The sets of the topics the hash named
    /// before go first: a stale set would otherwise still hold users who left while Redis was down, once the topic
    /// is back on this node.
    /// </summary>
    private async Task RewriteTopicsAsync(IDatabase db)
    {
        var topicsKey = RedisKeys.NodeTopics(node.NodeId);
        var before = await db.HashKeysAsync(topicsKey);
        var subscribers = registry.Topics
            .Select(t => (Topic: t, Subscribers: registry.TopicSubscribers(t)))
            .Where(e => e.Subscribers.Connections > 0)
            .ToArray();
        await db.KeyDeleteAsync([topicsKey, .. before.Concat(subscribers.Select(e => (RedisValue)e.Topic)).Distinct().Select(t => (RedisKey)RedisKeys.NodeTopicUsers(node.NodeId, t!))]);
        if (subscribers.Length > 0)
        {
            await db.HashSetAsync(topicsKey, subscribers.Select(e => new HashEntry(e.Topic, TopicCount.Format(e.Subscribers.Connections, e.Subscribers.Users.Count))).ToArray());
        }

        await Task.WhenAll(subscribers.Where(e => e.Subscribers.Users.Count > 0).Select(async e =>
        {
            var usersKey = RedisKeys.NodeTopicUsers(node.NodeId, e.Topic);
            await db.SetAddAsync(usersKey, e.Subscribers.Users.Select(u => (RedisValue)u).ToArray());
            await db.KeyExpireAsync(usersKey, Ttl);
        }));
    }

    /// <summary>Keeps the user sets of this node's topics alive for another TTL: one command per topic, pipelined.</summary>
    private Task RefreshTopicUsersAsync(IDatabase db) =>
        Task.WhenAll(registry.Topics.Select(t => db.KeyExpireAsync(RedisKeys.NodeTopicUsers(node.NodeId, t), Ttl)));

    /// <summary>
    /// Rewrites this node's users hash from the registry. It runs before the heartbeat renews the node's registration,
    /// so a node restarted under the same <c>Realtime:NodeId</c> drops the counts its previous run left before the
    /// other nodes count them again.
    /// </summary>
    private async Task RewriteUsersAsync(IDatabase db, IReadOnlyList<SseConnection> local)
    {
        var usersKey = RedisKeys.NodeUsers(node.NodeId);
        await db.KeyDeleteAsync(usersKey);
        var entries = local.Where(c => c.UserId is not null)
            .GroupBy(c => c.UserId!, StringComparer.Ordinal)
            .Select(g => new HashEntry(g.Key, g.Count()))
            .ToArray();
        if (entries.Length > 0)
        {
            await db.HashSetAsync(usersKey, entries);
        }
    }

    /// <summary>
    /// The live nodes registered from this machine, this one included, tell the registry how many share its cores
    /// (<see cref="ConnectionRegistry.SetNodesOnHost"/>). A node that died without shutting down counts until its
    /// registration expires.
    /// </summary>
    private async Task CountNodesOnHostAsync(IDatabase db)
    {
        var ids = await db.SetMembersAsync(RedisKeys.Nodes);
        var hosts = await Task.WhenAll(ids.Select(id => db.HashGetAsync(RedisKeys.Node((string)id!), "host")));
        var nodes = Math.Max(1, hosts.Count(h => h == Host));
        if (nodes != registry.NodesOnHost)
        {
            registry.SetNodesOnHost(nodes);
            LogNodesOnHost(logger, nodes, Environment.ProcessorCount, registry.SharesFanOut);
        }
    }

    /// <summary>The machine this node runs on: nodes that report the same one share its cores.</summary>
    private static string Host => Environment.MachineName;

    private string Member(SseConnection connection) => node.NodeId + "/" + connection.ClientId;

    private static DateTimeOffset Time(Dictionary<string, string> fields, string name) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Long(fields, name));

    private static long Long(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Nodes} Beacon node(s) share this machine's {Cores} cores; large fan-outs shared with a helper thread: {Shared}")]
    private static partial void LogNodesOnHost(ILogger logger, int nodes, int cores, bool shared);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update this node's registration in Redis; will retry")]
    private static partial void LogRedisDown(ILogger logger, Exception exception);
}

/// <summary>How a connection is described in its node's hash.</summary>
internal static class ConnectionEntry
{
    private sealed record Entry(string? UserId, string[] Topics, long ConnectedAt, IReadOnlyDictionary<string, string> Metadata, string? SessionId);

    public static string Describe(SseConnection c) =>
        JsonSerializer.Serialize(new Entry(c.UserId, c.Scope.Topics.ToArray(), c.ConnectedAt.ToUnixTimeMilliseconds(), c.Scope.Metadata, c.SessionId));

    public static string? UserOf(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Entry>(json)?.UserId;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How a topic's figures on one node are stored in its topics hash: <c>"{connections} {users}"</c>.</summary>
internal static class TopicCount
{
    public static string Format(int connections, int users) =>
        connections.ToString(CultureInfo.InvariantCulture) + " " + users.ToString(CultureInfo.InvariantCulture);

    public static (int Connections, int Users) Parse(string value)
    {
        var space = value.IndexOf(' ');
        return space > 0
            && int.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var connections)
            && int.TryParse(value.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var users)
            ? (connections, users)
            : (0, 0);
    }
}
