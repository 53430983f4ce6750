using System.Net;
using System.Reflection;
using Beacon.Application.Common.Interfaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// A Beacon with one extra endpoint, <c>GET /__test/throw?marker=…</c>, that throws an
/// <see cref="InvalidOperationException"/>. It exists only in this test host: a startup filter sets the endpoint
/// before routing, so the request still goes through the app's whole pipeline (exception handler included).
/// </summary>
public class ThrowingHost(params (string Key, string Value)[] settings) : BeaconHost(settings)
{
    public const string ThrowPath = "/__test/throw";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowingEndpoint>());
    }

    private sealed class ThrowingEndpoint : IStartupFilter
    {
        private static readonly Endpoint Endpoint = new(
            context => throw new InvalidOperationException("Test failure " + context.Request.Query["marker"]),
            EndpointMetadataCollection.Empty,
            "test: throw");

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Routing skips matching when an endpoint is already set, and the endpoint middleware runs it.
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path == ThrowPath)
                {
                    context.SetEndpoint(Endpoint);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// Sentry against a local fake DSN endpoint. One class, so its tests run one after another: the Sentry SDK is
/// process-wide, and the no-DSN test checks that nothing switched it on.
/// </summary>
public sealed class ErrorReportingTests
{
    private static readonly string ExpectedRelease = "beacon@" + typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    [Fact]
    public async Task An_unhandled_exception_is_reported_with_environment_release_and_node_but_no_token()
    {
        await using var sentry = await FakeSentry.StartAsync();
        var host = new ThrowingHost(("Sentry:Dsn", sentry.Dsn), ("Realtime:NodeId", "sentry-node"));
        await host.InitializeAsync();
        try
        {
            // A client's mistake first: a 400 is not a bug and must not be reported.
            using (var invalid = await host.PostEventAsync(new { type = "Not A Valid Type!", data = new { }, audience = Audiences.All }))
            {
                invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            }

            var marker = Unique.Id("boom");
            using var response = await host.Api.GetAsync($"{ThrowingHost.ThrowPath.TrimStart('/')}?marker={marker}&access_token=secret-token-value");
            response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);

            var reported = await sentry.WaitForEventAsync(
                e => FakeSentry.ExceptionTypes(e).Any(t => t.EndsWith("InvalidOperationException", StringComparison.Ordinal)) && e.ToString().Contains(marker, StringComparison.Ordinal),
                "the unhandled InvalidOperationException");

            FakeSentry.String(reported, "environment").ShouldBe("Development");
            FakeSentry.String(reported, "release").ShouldBe(ExpectedRelease);
            FakeSentry.Tag(reported, "node").ShouldBe("sentry-node");
            reported.ToString().ShouldNotContain("secret-token-value", customMessage: "the access_token query parameter must be redacted");

            // Events are sent in the order they were captured: the 400 would have arrived before this one.
            sentry.Events.Where(e => FakeSentry.ExceptionTypes(e).Any(t => t.EndsWith("ValidationException", StringComparison.Ordinal)))
                .ShouldBeEmpty(sentry.ToString());
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_redis_outage_is_reported_once_with_environment_and_release()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var sentry = await FakeSentry.StartAsync();
        var host = new ThrowingHost(("Sentry:Dsn", sentry.Dsn), ("ConnectionStrings:Redis", redis.ConnectionString), ("Realtime:NodeId", Unique.Id("outage-node")));
        await host.InitializeAsync();
        try
        {
            (await host.Api.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

            await redis.StopAsync();
            var outage = await sentry.WaitForEventAsync(e => FakeSentry.Tag(e, "component") == "redis", "a Redis outage event");
            FakeSentry.String(outage, "environment").ShouldBe("Development");
            FakeSentry.String(outage, "release").ShouldBe(ExpectedRelease);
            FakeSentry.Tag(outage, "redis.endpoint").ShouldNotBeNullOrEmpty();
            FakeSentry.Tag(outage, "node").ShouldBe(host.Setting("Realtime:NodeId"));

            await redis.StartAsync();
            var ready = await Eventually.TrueAsync(async () => (await host.Api.GetAsync("health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(20));
            ready.ShouldBeTrue("the node did not become ready again after Redis came back");

            // A marker event after the outage: everything captured before it has arrived once it has.
            var marker = Unique.Id("after-outage");
            (await host.Api.GetAsync($"{ThrowingHost.ThrowPath.TrimStart('/')}?marker={marker}")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            await sentry.WaitForEventAsync(e => e.ToString().Contains(marker, StringComparison.Ordinal), "the marker event");
            sentry.Events.Count(e => FakeSentry.Tag(e, "component") == "redis").ShouldBe(1, "one report per outage, not one per failed connection or reconnect attempt");
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_background_job_that_fails_for_good_is_reported_with_environment_and_release()
    {
        await using var sentry = await FakeSentry.StartAsync();
        var host = new ThrowingHost(("Sentry:Dsn", sentry.Dsn));
        await host.InitializeAsync();
        try
        {
            var marker = Unique.Id("job");
            var jobId = host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<FailingJob>(j => j.Run(marker));

            var reported = await sentry.WaitForEventAsync(e => FakeSentry.Tag(e, "component") == "jobs" && e.ToString().Contains(marker, StringComparison.Ordinal), "the failed job");
            FakeSentry.Tag(reported, "job.id").ShouldBe(jobId);
            FakeSentry.Tag(reported, "job.name").ShouldBe("FailingJob.Run");
            FakeSentry.ExceptionTypes(reported).ShouldContain(t => t.EndsWith("InvalidOperationException", StringComparison.Ordinal));
            FakeSentry.String(reported, "environment").ShouldBe("Development");
            FakeSentry.String(reported, "release").ShouldBe(ExpectedRelease);
            sentry.Events.Count(e => e.ToString().Contains(marker, StringComparison.Ordinal)).ShouldBe(1, "one report per failed job: " + sentry);
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_a_dsn_sentry_is_not_initialised_and_nothing_is_sent()
    {
        var host = new ThrowingHost(("Sentry:Dsn", ""), ("Sentry:Environment", "should-not-matter"));
        await host.InitializeAsync();
        try
        {
            using var response = await host.Api.GetAsync($"{ThrowingHost.ThrowPath.TrimStart('/')}?marker=no-dsn");
            response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);

            host.Services.GetService<Sentry.IHub>().ShouldBeNull("Sentry must not be registered without a DSN");
            host.Services.GetRequiredService<IErrorReporter>().GetType().Name.ShouldBe("NullErrorReporter");
            Sentry.SentrySdk.IsEnabled.ShouldBeFalse("nothing may initialise the SDK (and so send) without Sentry:Dsn");
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }
}

/// <summary>A background job that always throws, with no retries, so it lands in Hangfire's Failed state at once.</summary>
public sealed class FailingJob
{
    [AutomaticRetry(Attempts = 0)]
    public void Run(string marker) => throw new InvalidOperationException("Job failure " + marker);
}
