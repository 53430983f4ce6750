using System.Collections.Concurrent;
using System.Net;
using Beacon.IntegrationTests.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Persistence;

/// <summary>Beacon on a PostgreSQL server of its own, which these tests stop and start again.</summary>
public sealed class OwnPostgresHost : PostgresHost
{
    private PostgresServer? _server;

    public PostgresServer Postgres => _server ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>What the app logged at Error or above: level, category and message.</summary>
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Errors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(new ErrorSink(Errors)));
    }

    protected override async Task<PostgresServer> ServerAsync() => _server ??= await PostgresServer.StartNewAsync();

    protected override async Task AfterStopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private sealed class ErrorSink(ConcurrentQueue<(LogLevel, string, string)> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(LogLevel, string, string)> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    sink.Enqueue((logLevel, category, formatter(state, exception)));
                }
            }
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
            var outageErrors = host.Errors.Where(e => e.Message.StartsWith("The database could not be reached", StringComparison.Ordinal)).ToArray();
            outageErrors.ShouldHaveSingleItem().Message.ShouldContain("GET /api/notifications");
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
