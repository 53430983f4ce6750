using Beacon.Infrastructure.Analytics;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using StackExchange.Redis;

namespace Beacon.UnitTests.Analytics;

/// <summary>The outage path; the shared salt itself is tested against a real Redis (RedisAnalyticsTests).</summary>
public sealed class RedisVisitorSaltTests
{
    [Fact]
    public async Task While_redis_is_unreachable_a_node_salts_with_its_own_days_salt_and_tries_redis_again_next_time()
    {
        var db = Substitute.For<IDatabase>();
        db.StringSetAsync(Arg.Any<RedisKey>(), Arg.Any<RedisValue>(), Arg.Any<TimeSpan?>(), Arg.Any<When>())
            .ThrowsAsync(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down"));
        var redis = Substitute.For<IConnectionMultiplexer>();
        redis.GetDatabase(Arg.Any<int>(), Arg.Any<object?>()).Returns(db);
        var salts = new RedisVisitorSalt(redis, NullLogger<RedisVisitorSalt>.Instance);
        var day = new DateOnly(2026, 12, 3);

        var first = await salts.ForDayAsync(day);
        var second = await salts.ForDayAsync(day);

        first.Length.ShouldBe(32);
        second.ShouldBeSameAs(first, "one fallback salt per day, so a visitor keeps one key on this node");
        await db.Received(2).StringSetAsync(Arg.Any<RedisKey>(), Arg.Any<RedisValue>(), Arg.Any<TimeSpan?>(), Arg.Any<When>());
    }
}
