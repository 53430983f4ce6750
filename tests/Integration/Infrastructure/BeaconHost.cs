using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// The real app on a real Kestrel loopback port, in Development, with a 1 s ping. One instance per test
/// class (IClassFixture); subclasses add the configuration a class needs.
/// </summary>
public class BeaconHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase)
    {
        // The embedded defaults (in-process bus, in-memory history), even if the environment names a Redis.
        ["ConnectionStrings:Redis"] = "",
        // The embedded database, in a file of this host's own (hosts run in parallel), unless a subclass names a PostgreSQL.
        ["ConnectionStrings:Postgres"] = "",
        ["ConnectionStrings:Sqlite"] = "",
        // No health announcements (system events to everyone) in tests that count events; the watcher's own tests turn it on.
        ["SystemStatus:WatchHealth"] = "false",
        ["Realtime:PingIntervalSeconds"] = "1",

        // The stale-entry-cleanup job stays registered but never fires on its own (Hangfire's Cron.Never()), so it
        // cannot race the tests that count what a cleanup removes; Jobs tests trigger it themselves.
        ["Jobs:StaleCleanupCron"] = "0 0 31 2 *",

        // Tests open many streams per user (and per loopback IP); rate-limit tests use RateLimitedHost's real limits.
        ["RateLimiting:SseConnections:PermitLimit"] = "100000",
        ["RateLimiting:Publish:PermitLimit"] = "1000000",
        ["RateLimiting:PageViews:PermitLimit"] = "1000000",
        ["RateLimiting:LongPolls:PermitLimit"] = "1000000",
        ["RateLimiting:Tickets:PermitLimit"] = "1000000",

        // Presence tests watch users go offline; a reconnect-flap guard of 5 s would only slow them down.
        ["Presence:OfflineGraceSeconds"] = "0.2",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
    };

    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private string? _publisherToken;
    private string? _adminToken;

    public BeaconHost()
    {
    }

    protected BeaconHost(params (string Key, string Value)[] settings)
    {
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every address Kestrel listens on; <see cref="BaseAddress"/> is the plain HTTP one.</summary>
    public IReadOnlyList<string> ListenAddresses { get; private set; } = [];

    /// <summary>A plain client for request/response calls (not for streams).</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The effective configuration value, e.g. the signing key.</summary>
    public string? Setting(string key) => Services.GetRequiredService<IConfiguration>()[key];

    /// <summary>This host's SQLite file (deleted on dispose), unless a subclass configured PostgreSQL.</summary>
    protected string SqlitePath { get; } = Path.Combine(Path.GetTempPath(), "beacon-tests", Guid.NewGuid().ToString("N") + ".db");

    /// <summary>Sets a configuration value; only before the host starts (e.g. in <see cref="BeforeStartAsync"/>).</summary>
    protected void Configure(string key, string value) => _settings[key] = value;

    /// <summary>Kestrel's endpoints: one plain HTTP loopback port, which a subclass may add to.</summary>
    protected virtual void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions options) => options.Listen(IPAddress.Loopback, 0);

    /// <summary>Runs before the app starts: where a subclass prepares what its settings point to (e.g. a database).</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        if (string.IsNullOrEmpty(_settings["ConnectionStrings:Sqlite"]))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SqlitePath)!);
            _settings["ConnectionStrings:Sqlite"] = $"Data Source={SqlitePath}";
        }

        await BeforeStartAsync();
        UseKestrel(Listen);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        ListenAddresses = [.. addresses];
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/') + "/");
        Api = new HttpClient(new SocketsHttpHandler()) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Api?.Dispose();
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { SqlitePath, SqlitePath + "-wal", SqlitePath + "-shm" })
        {
            File.Delete(file);
        }

        await AfterStopAsync();
    }

    /// <summary>Runs once the app has stopped: where a subclass stops what <see cref="BeforeStartAsync"/> started.</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");

        // Added after appsettings*.json, so these win. UseSetting as well: Program reads some settings (the
        // Redis connection string picks the bus) while registering services, before app configuration applies.
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A token from <c>POST /api/auth/dev-token</c>.</summary>
    public async Task<string> TokenAsync(string userId, params string[] roles)
    {
        using var response = await Api.PostAsJsonAsync("api/auth/dev-token", new { userId, roles });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<DevToken>();
        return body!.AccessToken;
    }

    /// <summary>A token from <c>POST /api/auth/dev-token</c> that grants <paramref name="topics"/> (private topics; names or prefixes ending in <c>*</c>).</summary>
    public async Task<string> TokenWithTopicsAsync(string userId, string[] topics)
    {
        using var response = await Api.PostAsJsonAsync("api/auth/dev-token", new { userId, roles = new[] { "user" }, topics });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DevToken>())!.AccessToken;
    }

    /// <summary>A cached token for a user with the publisher role.</summary>
    public Task<string> PublisherTokenAsync() => CachedTokenAsync(ref _publisherToken, "test-publisher", "publisher");

    /// <summary>A cached token for a user with the admin role.</summary>
    public Task<string> AdminTokenAsync() => CachedTokenAsync(ref _adminToken, "test-admin", "admin");

    private Task<string> CachedTokenAsync(ref string? cache, string userId, string role)
    {
        var cached = Volatile.Read(ref cache);
        return cached is not null ? Task.FromResult(cached) : FetchAsync();

        async Task<string> FetchAsync()
        {
            await _tokenGate.WaitAsync();
            try
            {
                var token = await TokenAsync(userId, role);
                if (role == "admin")
                {
                    _adminToken = token;
                }
                else
                {
                    _publisherToken = token;
                }

                return token;
            }
            finally
            {
                _tokenGate.Release();
            }
        }
    }

    private sealed record DevToken(string AccessToken);
}
