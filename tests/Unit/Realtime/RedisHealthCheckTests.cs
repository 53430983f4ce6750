using System.Diagnostics;
using Beacon.Infrastructure.Realtime.Redis;
using Beacon.Infrastructure.SystemStatus;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using StackExchange.Redis;

namespace Beacon.UnitTests.Realtime;

/// <summary>The Redis readiness check answers at once during an outage, and carries one stack trace per outage.</summary>
public sealed class RedisHealthCheckTests
{
    private readonly IConnectionMultiplexer _redis = Substitute.For<IConnectionMultiplexer>();
    private readonly IDatabase _database = Substitute.For<IDatabase>();

    public RedisHealthCheckTests() => _redis.GetDatabase(Arg.Any<int>(), Arg.Any<object?>()).Returns(_database);

    [Fact]
    public async Task Without_a_connection_it_is_unhealthy_without_sending_a_ping()
    {
        _redis.IsConnected.Returns(false);

        var result = await new RedisHealthCheck(_redis).CheckHealthAsync(new HealthCheckContext());

        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Description.ShouldBe("Redis is unreachable.");
        await _database.DidNotReceive().PingAsync(Arg.Any<CommandFlags>());
    }

    [Fact]
    public async Task A_ping_that_does_not_answer_is_given_up_after_the_probe_timeout_and_only_the_first_failure_carries_the_exception()
    {
        _redis.IsConnected.Returns(true);
        _database.PingAsync(Arg.Any<CommandFlags>()).Returns(new TaskCompletionSource<TimeSpan>().Task);
        var check = new RedisHealthCheck(_redis);

        // The test's own bound: a check that waits on the PING would otherwise wait forever.
        var watch = Stopwatch.StartNew();
        var first = await check.CheckHealthAsync(new HealthCheckContext()).WaitAsync(TimeSpan.FromSeconds(10));
        watch.Stop();
        var second = await check.CheckHealthAsync(new HealthCheckContext()).WaitAsync(TimeSpan.FromSeconds(10));

        first.Status.ShouldBe(HealthStatus.Unhealthy);
        first.Exception.ShouldBeOfType<TimeoutException>();
        watch.Elapsed.ShouldBeLessThan(ProbeTimeout.Limit + TimeSpan.FromSeconds(1));
        second.Status.ShouldBe(HealthStatus.Unhealthy);
        second.Exception.ShouldBeNull();
    }

    [Fact]
    public async Task A_passing_check_ends_the_streak_so_the_next_outage_carries_its_exception_again()
    {
        var check = new RedisHealthCheck(_redis);
        _redis.IsConnected.Returns(true);
        _database.PingAsync(Arg.Any<CommandFlags>()).Returns(
            _ => throw Down("down"),
            _ => throw Down("still down"),
            _ => Task.FromResult(TimeSpan.FromMilliseconds(1)),
            _ => throw Down("down again"));

        var results = new List<HealthCheckResult>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await check.CheckHealthAsync(new HealthCheckContext()));
        }

        results.Select(r => r.Status).ShouldBe([HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Healthy, HealthStatus.Unhealthy]);
        results.Select(r => r.Exception?.Message).ShouldBe(["down", null, null, "down again"]);
    }

    private static RedisConnectionException Down(string message) =>
        new(ConnectionFailureType.SocketClosed, CommandFlags.None, message, innerException: null, CommandStatus.Unknown);
}
