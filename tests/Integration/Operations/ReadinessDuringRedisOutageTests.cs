using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// Beacon on a redis-server of its own, which these tests stop and start again. The connection string keeps
/// StackExchange.Redis's default 5 s timeouts (the shared clusters shorten them to 2 s), so a probe that waits
/// on the client's timeout shows as one.
/// </summary>
public sealed class OwnRedisHost : BeaconHost
{
    private RedisServer? _redis;

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>What the app logged at Error or above.</summary>
    public CapturedLogs Errors { get; } = new(LogLevel.Error);

    protected override async Task BeforeStartAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        Configure("ConnectionStrings:Redis", $"127.0.0.1:{_redis.Port}");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
    }

    protected override async Task AfterStopAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

/// <summary>
/// A load balancer probes readiness every few seconds. While Redis is down each probe must say "not ready" at
/// once, not after the Redis client's timeout, and must not add an error with a stack trace to the log each time.
/// </summary>
public sealed class ReadinessDuringRedisOutageTests(OwnRedisHost host) : IClassFixture<OwnRedisHost>
{
    [Fact]
    public async Task While_redis_is_down_readiness_answers_503_quickly_with_one_stack_trace_at_most_and_200_once_it_is_back()
    {
        using (var before = await host.Api.GetAsync("health/ready"))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK, await before.Content.ReadAsStringAsync());
        }

        var token = await host.TokenAsync(Unique.Id("ops"), "user");
        host.Errors.Clear();
        await host.Redis.StopAsync();
        try
        {
            await ReadinessProbes.ShouldAnswer503QuicklyWithOneStackAtMostAsync(host, host.Errors, "Redis");

            // The status route runs the same checks, and must not wait on Redis either.
            var status = Stopwatch.StartNew();
            using (var response = await host.SendAsync(HttpMethod.Get, "api/system/status", token))
            {
                var body = await response.Content.ReadAsStringAsync();
                status.Stop();
                response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
                var redis = JsonDocument.Parse(body).RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "redis");
                redis.GetProperty("status").GetString().ShouldBe("unhealthy", body);
                status.Elapsed.ShouldBeLessThan(ReadinessProbes.Deadline, "the status route waited on Redis");
            }
        }
        finally
        {
            await host.Redis.StartAsync();
        }

        await ReadinessProbes.ShouldBeReadyAgainAsync(host, "Redis");
    }
}
