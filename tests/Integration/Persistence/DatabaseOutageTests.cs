using System.Net;
using Beacon.IntegrationTests.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Persistence;

/// <summary>Beacon on a PostgreSQL server of its own, which these tests stop and start again.</summary>
public class OwnPostgresHost : PostgresHost
{
    private PostgresServer? _server;

    public OwnPostgresHost()
    {
    }

    protected OwnPostgresHost(params (string Key, string Value)[] settings)
        : base(settings)
    {
    }

    public PostgresServer Postgres => _server ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>What the app logged at Error or above.</summary>
    public CapturedLogs Errors { get; } = new(LogLevel.Error);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
    }

    protected override async Task<PostgresServer> ServerAsync() => _server ??= await PostgresServer.StartNewAsync();

    protected override async Task AfterStopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// A database that cannot be reached is an outage, not a bug: reads and writes get a 503 problem with
/// <c>Retry-After</c> (as in a Redis outage), and the node serves them again once the database is back, without a restart.
/// </summary>
public sealed class DatabaseOutageTests(OwnPostgresHost host) : IClassFixture<OwnPostgresHost>
{
    [Fact]
    public async Task While_the_database_is_down_requests_get_503_with_retry_after_and_recover_when_it_returns()
    {
        host.Errors.Clear();
        var user = Unique.Id("outage");
        var token = await host.TokenAsync(user, "user");
        using (var before = await host.SendAsync(HttpMethod.Get, "api/notifications", token))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await host.Postgres.StopAsync();
        try
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, "api/notifications"), (HttpMethod.Post, "api/notifications/read-all") })
            {
                using var response = await host.SendAsync(method, path, token);
                var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
                problem.GetProperty("detail").GetString().ShouldBe("The database could not be reached; retry shortly.");
                response.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(5));
            }

            (await host.Api.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

            // Still an error in the log (and so in Sentry), as the 500s were, but once for the outage, not per request.
            var outageErrors = host.Errors.Lines.Where(l => l.StartsWith($"{typeof(Beacon.Web.Infrastructure.ProblemExceptionHandler).FullName}: The database could not be reached", StringComparison.Ordinal)).ToArray();
            outageErrors.ShouldHaveSingleItem().ShouldContain("GET /api/notifications");
        }
        finally
        {
            await host.Postgres.StartAsync();
        }

        var recovered = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await host.SendAsync(HttpMethod.Get, "api/notifications", token);
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        recovered.ShouldBeTrue("the notifications API never answered again after the database came back");
    }
}
