using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// The store shared by every node: a sorted set of visitor → last-seen milliseconds (the distinct count over
/// the window is a range delete plus <c>ZCARD</c>, exact, unlike a HyperLogLog which cannot forget old
/// visitors), a view counter, and a short lease so only one node broadcasts per interval.
/// </summary>
internal sealed class RedisLiveAnalytics(IConnectionMultiplexer redis, IOptions<AnalyticsOptions> options, NodeIdentity node, TimeProvider clock) : ILiveAnalyticsStore
{
    private static readonly LuaScript ClaimScript = LuaScript.Prepare(
        """
        if not redis.call('SET', @lease, @node, 'NX', 'PX', @leaseMs) then return false end
        redis.call('ZREMRANGEBYSCORE', @visitors, '-inf', '(' .. @cutoff)
        local last = redis.call('HMGET', @last, 'visitors', 'views')
        return { redis.call('ZCARD', @visitors), tonumber(redis.call('GET', @views) or '0'), last[1] or -1, last[2] or -1 }
        """);

    public TimeSpan VisitorWindow { get; } = TimeSpan.FromSeconds(options.Value.VisitorWindowSeconds);

    public async ValueTask RecordViewAsync(string visitorKey, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var add = batch.SortedSetAddAsync(RedisKeys.AnalyticsVisitors, visitorKey, at.ToUnixTimeMilliseconds(), SortedSetWhen.Always);
        var count = batch.StringIncrementAsync(RedisKeys.AnalyticsViews);
        batch.Execute();
        await Task.WhenAll(add, count);
    }

    public async ValueTask<long> CountVisitorsAsync(CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        await db.SortedSetRemoveRangeByScoreAsync(RedisKeys.AnalyticsVisitors, double.NegativeInfinity, Cutoff(), Exclude.Stop);
        return await db.SortedSetLengthAsync(RedisKeys.AnalyticsVisitors);
    }

    public async ValueTask<long> CountViewsAsync(CancellationToken cancellationToken = default) =>
        (long?)await redis.GetDatabase().StringGetAsync(RedisKeys.AnalyticsViews) ?? 0;

    public async ValueTask<LiveFigures?> TryClaimTurnAsync(TimeSpan turnLength, CancellationToken cancellationToken)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(ClaimScript, new
        {
            lease = (RedisKey)RedisKeys.AnalyticsLease,
            visitors = (RedisKey)RedisKeys.AnalyticsVisitors,
            views = (RedisKey)RedisKeys.AnalyticsViews,
            last = (RedisKey)RedisKeys.AnalyticsLastBroadcast,
            node = node.NodeId,
            leaseMs = (long)turnLength.TotalMilliseconds,
            cutoff = Cutoff(),
        });
        if (result.IsNull)
        {
            return null;
        }

        var values = (long[])result!;
        return new LiveFigures(values[0], values[1], values[2] < 0 ? null : values[2], values[3] < 0 ? null : values[3]);
    }

    public async ValueTask MarkBroadcastAsync(LiveFigures figures, CancellationToken cancellationToken) =>
        await redis.GetDatabase().HashSetAsync(RedisKeys.AnalyticsLastBroadcast, [new("visitors", figures.Visitors), new("views", figures.Views)]);

    private long Cutoff() => (clock.GetUtcNow() - VisitorWindow).ToUnixTimeMilliseconds();
}
