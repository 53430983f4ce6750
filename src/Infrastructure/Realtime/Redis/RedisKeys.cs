namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Every Redis key Beacon uses. All share the hash tag <c>{beacon}</c> so the publish script's keys live
/// in one slot and the script also runs on Redis Cluster. Documented in docs/scale-out.md.
/// </summary>
internal static class RedisKeys
{
    private const string Prefix = "{beacon}:";

    /// <summary>The pub/sub channel every node subscribes to.</summary>
    public const string EventsChannel = Prefix + "events";

    /// <summary>The pub/sub channel of disconnect requests between nodes (<c>DELETE /api/sse/users/{id}</c>, <c>/clients/{id}</c>).</summary>
    public const string ControlChannel = Prefix + "control";

    /// <summary>Global event counter: the second half of every stream entry id.</summary>
    public const string Sequence = Prefix + "seq";

    /// <summary>Random token created with the first event; changes only if Redis loses its data.</summary>
    public const string Epoch = Prefix + "epoch";

    /// <summary>The newest stream entry id.</summary>
    public const string LastId = Prefix + "last";

    /// <summary>Set of node ids that have registered.</summary>
    public const string Nodes = Prefix + "nodes";

    /// <summary>The history stream for a stream name (<c>global</c>, <c>user:{id}</c>, <c>topic:{name}</c>, <c>meta</c>).</summary>
    public static string Stream(string name) => Prefix + "s:" + name;

    /// <summary>A node's hash: started, heartbeat, connection count. Expires unless refreshed.</summary>
    public static string Node(string nodeId) => Prefix + "node:" + nodeId;

    /// <summary>A node's connections: client id → JSON description. Expires unless refreshed.</summary>
    public static string NodeConnections(string nodeId) => Prefix + "node:" + nodeId + ":conns";

    /// <summary>A node's topics: topic → <c>"{connections} {users}"</c> subscribed on that node. Expires unless refreshed.</summary>
    public static string NodeTopics(string nodeId) => Prefix + "node:" + nodeId + ":topics";

    /// <summary>
    /// The distinct users subscribed to <paramref name="topic"/> on a node, so that topic presence counts a user with
    /// streams on several nodes once. Expires unless refreshed.
    /// </summary>
    public static string NodeTopicUsers(string nodeId, string topic) => Prefix + "node:" + nodeId + ":topic-users:" + topic;

    /// <summary>
    /// A node's users: user id → connections that user holds on that node, for the cluster-wide
    /// <c>Realtime:MaxStreamsPerUser</c>. Expires unless refreshed.
    /// </summary>
    public static string NodeUsers(string nodeId) => Prefix + "node:" + nodeId + ":users";

    /// <summary>Set of <c>{nodeId}/{clientId}</c> of a user's open connections; non-empty means online.</summary>
    public static string UserPresence(string userId) => Prefix + "presence:" + userId;

    /// <summary>A rate-limit window: the request count of one partition (<c>user:{id}</c> or <c>ip:{address}</c>) under one policy. Expires with the window.</summary>
    public static string RateLimit(string policy, string partition) => Prefix + "rl:" + policy + ":" + partition;

    /// <summary>Analytics: sorted set of visitor key → last-seen Unix milliseconds.</summary>
    public const string AnalyticsVisitors = Prefix + "analytics:visitors";

    /// <summary>Analytics: the page-view counter.</summary>
    public const string AnalyticsViews = Prefix + "analytics:views";

    /// <summary>Analytics: the node holding this interval's broadcast turn. Expires with the turn.</summary>
    public const string AnalyticsLease = Prefix + "analytics:lease";

    /// <summary>Analytics: a day's visitor salt, suffixed <c>yyyyMMdd</c>. Expires after two days.</summary>
    public const string AnalyticsSaltPrefix = Prefix + "analytics:salt:";

    /// <summary>Analytics: the figures last broadcast (<c>visitors</c>, <c>views</c>).</summary>
    public const string AnalyticsLastBroadcast = Prefix + "analytics:last";

    /// <summary>A once-per-interval gate (e.g. typing per user and conversation). Expires with the interval.</summary>
    public static string Throttle(string key) => Prefix + "throttle:" + key;

    /// <summary>The presence last announced for a user (<c>online</c>, <c>idle</c>, <c>offline</c>), so N nodes announce a change once.</summary>
    public static string PresenceAnnounced(string userId) => Prefix + "presence-announced:" + userId;

    /// <summary>Set while a user's client says they are idle.</summary>
    public static string PresenceIdle(string userId) => Prefix + "presence-idle:" + userId;
}
