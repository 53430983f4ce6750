using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.IntegrationTests.Fallbacks;
using Beacon.IntegrationTests.Notifications;
using Beacon.IntegrationTests.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Hangfire;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// A Beacon with one extra endpoint, <c>GET /__test/throw?marker=…</c>, that throws an
/// <see cref="InvalidOperationException"/>. It exists only in this test host: a startup filter sets the endpoint
/// before routing, so the request still goes through the app's whole pipeline (exception handler included).
/// </summary>
public class ThrowingHost(params (string Key, string Value)[] settings) : BeaconHost(settings)
{
    public const string ThrowPath = "/__test/throw";

    /// <summary>
    /// A <c>GET /api/events</c> (a long-poll, so a long-lived request) with <c>throwAfterStart=…</c> starts its
    /// response and then throws, as a transport failing mid-stream would.
    /// </summary>
    public const string ThrowAfterStartParameter = "throwAfterStart";

    /// <summary>For each request, by path and query: whether Sentry's middleware had run when the app's pipeline began.</summary>
    public ConcurrentDictionary<string, bool> SentryRequestScopes { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ThrowingEndpoint(SentryRequestScopes)));
    }

    private sealed class ThrowingEndpoint(ConcurrentDictionary<string, bool> sentryRequestScopes) : IStartupFilter
    {
        private static readonly Endpoint Endpoint = new(
            context => throw new InvalidOperationException("Test failure " + context.Request.Query["marker"]),
            EndpointMetadataCollection.Empty,
            "test: throw");

        private static readonly Endpoint AfterStartEndpoint = new(
            async context =>
            {
                await context.Response.StartAsync();
                throw new InvalidOperationException("Test failure after start " + context.Request.Query[ThrowAfterStartParameter]);
            },
            EndpointMetadataCollection.Empty,
            "test: throw after start");

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Registered after Sentry's, so this runs inside whatever Sentry put around the request. Sentry's request
            // middleware leaves its trace context in HttpContext.Items, and nothing else has run yet.
            app.Use((context, nextMiddleware) =>
            {
                sentryRequestScopes[context.Request.Path + context.Request.QueryString] = context.Items.Count > 0;

                // Routing skips matching when an endpoint is already set, and the endpoint middleware runs it.
                if (context.Request.Path == ThrowPath)
                {
                    context.SetEndpoint(Endpoint);
                }
                else if (context.Request.Query.ContainsKey(ThrowAfterStartParameter))
                {
                    context.SetEndpoint(AfterStartEndpoint);
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
    public async Task Long_lived_requests_run_outside_sentrys_request_scope_and_ordinary_ones_inside_it()
    {
        await using var sentry = await FakeSentry.StartAsync();
        await new ThrowingHost(("Sentry:Dsn", sentry.Dsn)).RunOwnAsync(async host =>
        {
            // Sentry's request scope lasts as long as its request (with what its logging added, 16 KB per idle stream):
            // on these, as long as the client stays.
            await using (await host.ConnectAsync("userId=sentry-sse"))
            await using (await host.OpenNotificationStreamAsync(await host.TokenAsync("sentry-notifications", "user")))
            await using (await WsClient.ConnectAsync(host, "userId=sentry-ws"))
            {
                (await host.PollAsync("userId=sentry-poll")).Status.ShouldBe(HttpStatusCode.OK);
            }

            (await host.Api.GetAsync("api/sse/stats")).StatusCode.ShouldBe(HttpStatusCode.OK);
            using (var publish = await host.PostEventAsync(new { type = "sentry.probe", data = new { }, audience = Audiences.All }))
            {
                publish.IsSuccessStatusCode.ShouldBeTrue(await BeaconHostExtensions.DescribeAsync(publish));
            }

            var scopes = host.SentryRequestScopes;
            scopes.ShouldContainKeyAndValue("/api/sse?userId=sentry-sse", false);
            scopes.ShouldContainKeyAndValue("/api/notifications/stream", false);
            scopes.ShouldContainKeyAndValue("/api/ws?userId=sentry-ws", false);
            var polls = scopes.Where(kv => kv.Key.StartsWith("/api/events?", StringComparison.Ordinal)).ToList();
            polls.ShouldNotBeEmpty(string.Join(", ", scopes.Keys));
            polls.ShouldAllBe(kv => !kv.Value);

            // The probe does see Sentry's scope where it belongs: ordinary requests, a POST to the long-poll's path included.
            scopes.ShouldContainKeyAndValue("/api/sse/stats", true);
            scopes.ShouldContainKeyAndValue("/api/events", true);
        });
    }

    [Fact]
    public async Task Failures_of_long_lived_requests_are_reported_before_and_after_their_response_starts()
    {
        await using var sentry = await FakeSentry.StartAsync();
        // Kestrel's response rather than the socket, so a failure after the start is Kestrel's to end (the socket writer ends
        // its streams itself and logs LogStreamFailed).
        await new FaultyHistoryThrowingHost(("Sentry:Dsn", sentry.Dsn), ("Realtime:NodeId", "stream-fault-node"), ("Realtime:DirectSocketWrites", "false")).RunOwnAsync(async host =>
        {
            // Opening an SSE stream fails before the response starts: a 500 problem, reported by the error line it logs.
            var beforeStart = FaultyHistoryThrowingHost.FaultyIdPrefix + Unique.Id("before");
            using (var request = new HttpRequestMessage(HttpMethod.Get, "api/sse?userId=sentry-fault"))
            {
                request.Headers.Add("Last-Event-ID", beforeStart);
                using var response = await host.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError);
            }

            var opening = await sentry.WaitForEventAsync(e => e.ToString().Contains(beforeStart, StringComparison.Ordinal), "the failed stream opening");
            FakeSentry.ExceptionTypes(opening).ShouldContain(t => t.EndsWith("InvalidOperationException", StringComparison.Ordinal));
            FakeSentry.String(opening, "release").ShouldBe(ExpectedRelease);
            FakeSentry.Tag(opening, "node").ShouldBe("stream-fault-node");

            // A stream that fails once its response has started: too late for a problem, and Kestrel's lines do not go
            // to Sentry, so the pipeline's own error line reports it.
            var replayFault = FaultyHistoryThrowingHost.FaultAfterStartPrefix + Unique.Id("replay");
            using (var request = new HttpRequestMessage(HttpMethod.Get, "api/sse?userId=sentry-fault"))
            {
                request.Headers.Add("Last-Event-ID", replayFault);
                using var response = await host.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            var failedStream = await sentry.WaitForEventAsync(e => e.ToString().Contains(replayFault, StringComparison.Ordinal), "the stream failing after its response started");
            FakeSentry.ExceptionTypes(failedStream).ShouldContain(t => t.EndsWith("InvalidOperationException", StringComparison.Ordinal));
            FakeSentry.Tag(failedStream, "node").ShouldBe("stream-fault-node");

            // The same for a long-poll, past the exception handler, whose error line reports it.
            var afterStart = Unique.Id("after");
            using (var response = await host.Api.GetAsync($"api/events?userId=sentry-fault&{ThrowingHost.ThrowAfterStartParameter}={afterStart}", HttpCompletionOption.ResponseHeadersRead))
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            var midStream = await sentry.WaitForEventAsync(e => e.ToString().Contains(afterStart, StringComparison.Ordinal), "the long-poll failing after its response started");
            FakeSentry.ExceptionTypes(midStream).ShouldContain(t => t.EndsWith("InvalidOperationException", StringComparison.Ordinal));
            FakeSentry.Tag(midStream, "node").ShouldBe("stream-fault-node");
            sentry.Events.Count(e => e.ToString().Contains(afterStart, StringComparison.Ordinal)).ShouldBe(1, sentry.ToString());
        });
    }

    [Fact]
    public async Task Sentry_takes_log_lines_at_the_apps_configured_levels()
    {
        await using var sentry = await FakeSentry.StartAsync();
        await new ThrowingHost(("Sentry:Dsn", sentry.Dsn)).RunOwnAsync(async host =>
        {
            var marker = Unique.Id("levels");
            using var response = await host.Api.GetAsync($"{ThrowingHost.ThrowPath.TrimStart('/')}?marker={marker}");
            response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);

            var reported = await sentry.WaitForEventAsync(e => e.ToString().Contains(marker, StringComparison.Ordinal), "the unhandled exception");
            var crumbs = reported.TryGetProperty("breadcrumbs", out var b) ? b.ToString() : string.Empty;

            // Routing's "Executing endpoint" is Information under Microsoft.AspNetCore, which this host logs from Error
            // only. Sentry's SDK lets every line through to its provider unless told otherwise; on a stream such a line
            // gave the connection a Sentry scope of its own.
            crumbs.ShouldNotContain("Executing endpoint", customMessage: reported.ToString());
        });
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
    public async Task A_database_outage_is_reported_once_not_once_per_failed_request()
    {
        await using var sentry = await FakeSentry.StartAsync();
        var host = new SentryPostgresHost(sentry.Dsn);
        await host.InitializeAsync();
        try
        {
            var token = await host.TokenAsync(Unique.Id("db-outage"), "user");
            (await host.SendAsync(HttpMethod.Get, "api/notifications", token)).StatusCode.ShouldBe(HttpStatusCode.OK);

            await host.Postgres.StopAsync();
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    (await host.SendAsync(HttpMethod.Get, "api/notifications", token)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                }

                // A marker logged after the requests: everything they made Sentry capture has arrived once it has.
                var marker = Unique.Id("after-db-outage");
                host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Beacon.Tests.Marker").LogError("Marker {Marker}", marker);
                await sentry.WaitForEventAsync(e => e.ToString().Contains(marker, StringComparison.Ordinal), "the marker event");

                // From the start on a new database (no failed migration-history read) to the marker: the outage once,
                // not EF Core's line for each failed connection, nor the handler pipeline's for each request.
                var events = sentry.Events.Where(e => !e.ToString().Contains(marker, StringComparison.Ordinal)).ToArray();
                events.Length.ShouldBe(1, sentry.ToString());
                var outage = events[0];
                FakeSentry.String(outage, "logger").ShouldBe(typeof(Beacon.Web.Infrastructure.ProblemExceptionHandler).FullName);
                FakeSentry.ExceptionTypes(outage).ShouldContain(t => t.StartsWith("Npgsql.", StringComparison.Ordinal));
                FakeSentry.String(outage, "environment").ShouldBe("Development");
                FakeSentry.String(outage, "release").ShouldBe(ExpectedRelease);
            }
            finally
            {
                await host.Postgres.StartAsync();
            }
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

/// <summary>
/// A <see cref="ThrowingHost"/> in Production (where no developer exception page catches and logs what the app lets
/// through), whose history fails reading after an id that starts with <see cref="FaultyIdPrefix"/> or
/// <see cref="FaultAfterStartPrefix"/>.
/// </summary>
public sealed class FaultyHistoryThrowingHost(params (string Key, string Value)[] settings)
    : ThrowingHost([("Realtime:AllowAnonymous", "true"), ("Auth:SigningKey", "error-reporting-tests-signing-key-of-32-bytes+"), .. settings])
{
    public const string FaultyIdPrefix = "fault-";

    /// <summary>Resuming after such an id replays 96 KB (more than one flush) and then fails.</summary>
    public const string FaultAfterStartPrefix = "faultafter-";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IEventHistory>();
            services.AddSingleton<IEventHistory>(sp => new FaultyHistory(sp.GetRequiredService<InMemoryEventHistory>()));
        });
    }

    private sealed class FaultyHistory(IEventHistory inner) : IEventHistory
    {
        public ValueTask<ReplayResult> ReadAfterAsync(string lastEventId, ConnectionScope scope, CancellationToken cancellationToken) =>
            lastEventId.StartsWith(FaultyIdPrefix, StringComparison.Ordinal)
                ? throw new InvalidOperationException("history fault injected by the test at " + lastEventId)
                : lastEventId.StartsWith(FaultAfterStartPrefix, StringComparison.Ordinal)
                    ? ValueTask.FromResult(ReplayResult.Replay(new FailingReplay(lastEventId), fromSequence: 0))
                    : inner.ReadAfterAsync(lastEventId, scope, cancellationToken);

        public ValueTask<string?> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);
    }

    /// <summary>96 comment frames of 1 KB, then a failure: the replay is flushed (the response starts) before it fails.</summary>
    private sealed class FailingReplay(string lastEventId) : IReadOnlyList<EncodedEvent>
    {
        private const int Frames = 96;
        private static readonly EncodedEvent Filler = EncodedEvent.Raw(System.Text.Encoding.ASCII.GetBytes(": " + new string('x', 1021) + "\n"));

        public int Count => Frames + 1;

        public EncodedEvent this[int index] => index < Frames ? Filler : throw Fault();

        public IEnumerator<EncodedEvent> GetEnumerator()
        {
            for (var i = 0; i < Frames; i++)
            {
                yield return Filler;
            }

            throw Fault();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private InvalidOperationException Fault() => new("replay fault injected by the test after the response started, at " + lastEventId);
    }
}

/// <summary>A background job that always throws, with no retries, so it lands in Hangfire's Failed state at once.</summary>
public sealed class FailingJob
{
    [AutomaticRetry(Attempts = 0)]
    public void Run(string marker) => throw new InvalidOperationException("Job failure " + marker);
}

/// <summary>Beacon on a PostgreSQL server of its own (to stop it), reporting to Sentry at <paramref name="dsn"/>.</summary>
public sealed class SentryPostgresHost(string dsn) : OwnPostgresHost(("Sentry:Dsn", dsn));
