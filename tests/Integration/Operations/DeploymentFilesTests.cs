using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// What can be checked of the container setup without a Docker engine: the nginx config passes <c>nginx -t</c>
/// and keeps its SSE settings, docker-compose.yml parses and wires the services together, the Dockerfile's
/// sources exist and its health check works against a live node, and the Prometheus files agree with compose.
/// (NginxProxyTests runs the nginx config in front of real nodes.)
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string[] BeaconServices = ["beacon-1", "beacon-2"];

    [Fact]
    public async Task The_nginx_config_passes_nginx_t()
    {
        var (exitCode, output) = await NginxServer.TestConfigAsync([new Uri("http://127.0.0.1:8081/"), new Uri("http://127.0.0.1:8082/")]);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("test is successful");
    }

    [Fact]
    public void The_nginx_config_keeps_streams_unbuffered_and_upstream_connections_alive()
    {
        var conf = StripComments(RepoFiles.Read(NginxServer.BeaconConfPath));

        conf.ShouldContain("proxy_buffering off;");
        conf.ShouldContain("proxy_cache off;");
        conf.ShouldContain("proxy_http_version 1.1;");
        conf.ShouldContain("proxy_set_header Connection \"\";");
        Regex.IsMatch(conf, @"upstream\s+beacon_nodes\s*\{[^}]*\bkeepalive\s+\d+;", RegexOptions.Singleline).ShouldBeTrue("the upstream keeps connections alive");
        ReadTimeout(conf).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMinutes(2), "well above the 30 s ping, so idle streams are never cut");

        // X-Accel-Buffering from the app must be honoured, and the gzip filter (which buffers) never applied to streams.
        conf.ShouldNotContain("proxy_ignore_headers");
        Regex.Match(conf, @"gzip_types([^;]*);").Groups[1].Value.ShouldNotContain("text/event-stream");

        // The WebSocket fallback passes the upgrade through.
        Regex.IsMatch(conf, @"location\s+=\s+/api/ws\s*\{[^}]*proxy_set_header\s+Upgrade\s+\$http_upgrade;[^}]*proxy_set_header\s+Connection\s+""upgrade"";", RegexOptions.Singleline)
            .ShouldBeTrue("/api/ws must forward Upgrade and Connection: upgrade");

        // Tokens in query strings (EventSource) must not reach the access log.
        Regex.Match(conf, @"log_format\s+beacon\s+([^;]*);", RegexOptions.Singleline).Groups[1].Value.ShouldNotContain("$request ");
    }

    [Fact]
    public void Compose_runs_two_nodes_on_redis_and_postgres_behind_nginx()
    {
        var compose = LoadYaml("docker-compose.yml");
        var services = Map(compose["services"]);
        services.Keys.ShouldBe(["beacon-1", "beacon-2", "redis", "postgres", "nginx", "prometheus"], ignoreOrder: true);

        var nodeIds = new List<string>();
        foreach (var name in BeaconServices)
        {
            var service = Map(services[name]);
            var environment = Map(service["environment"]);
            Str(environment["ConnectionStrings__Redis"]).ShouldStartWith("redis:6379");
            Str(environment["ConnectionStrings__Postgres"]).ShouldContain("Host=postgres");
            Str(environment["Auth__SigningKey"]).ShouldNotBeNullOrWhiteSpace();
            environment.ShouldContainKey("Sentry__Dsn");
            nodeIds.Add(Str(environment["Realtime__NodeId"]));

            Str(Map(service["build"])["context"]).ShouldBe(".");
            var dependsOn = Map(service["depends_on"]);
            Str(Map(dependsOn["redis"])["condition"]).ShouldBe("service_healthy");
            Str(Map(dependsOn["postgres"])["condition"]).ShouldBe("service_healthy");
            service.ShouldNotContainKey("ports", "nodes are reached through nginx only (they trust its X-Forwarded-* headers)");
        }

        nodeIds.ToArray().ShouldBe(BeaconServices, "each node has its own Realtime:NodeId");

        var redisCommand = string.Join(' ', Strings(Map(services["redis"])["command"]));
        redisCommand.ShouldContain("--appendonly yes");
        Map(services["postgres"]).ShouldContainKey("healthcheck");

        var nginx = Map(services["nginx"]);
        Strings(nginx["volumes"]).ShouldContain("./deploy/nginx/beacon.conf:/etc/nginx/conf.d/default.conf:ro");
        Map(nginx["depends_on"]).Keys.ShouldBe(BeaconServices, ignoreOrder: true);

        // nginx's shipped upstreams are exactly the compose nodes on the port the image listens on.
        NginxServer.ShippedUpstreamServers().Select(l => Regex.Match(l, @"^server\s+(\S+)").Groups[1].Value)
            .ShouldBe(BeaconServices.Select(s => $"{s}:8080"));
    }

    [Fact]
    public void Prometheus_scrapes_both_nodes_and_loads_the_alert_rules()
    {
        var compose = LoadYaml("docker-compose.yml");
        var prometheus = Map(Map(compose["services"])["prometheus"]);
        Strings(prometheus["volumes"]).ShouldContain("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");

        var config = LoadYaml("deploy/prometheus/prometheus.yml");
        Strings(config["rule_files"]).ShouldBe(["/etc/prometheus/alerts.yml"]);
        var job = Map(List(config["scrape_configs"]).Single());
        Str(job["job_name"]).ShouldBe("beacon", "alerts.yml's BeaconNodeDown selects up{job=\"beacon\"}");
        Strings(Map(List(job["static_configs"]).Single())["targets"]).ShouldBe(BeaconServices.Select(s => $"{s}:8080"), ignoreOrder: true);
    }

    [Fact]
    public void The_dockerfile_builds_in_stages_and_runs_unprivileged_on_the_aspnet_runtime()
    {
        var dockerfile = RepoFiles.Read("Dockerfile");
        var stages = Regex.Matches(dockerfile, @"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", RegexOptions.Multiline | RegexOptions.IgnoreCase);
        stages.Count.ShouldBeGreaterThanOrEqualTo(2, "multi-stage");
        stages[^1].Groups[1].Value.ShouldStartWith("mcr.microsoft.com/dotnet/aspnet:10.0");

        var runtime = dockerfile[stages[^1].Index..];
        Regex.Match(runtime, @"^USER\s+(\S+)", RegexOptions.Multiline).Groups[1].Value.ShouldBeOneOf("$APP_UID", "app", "1654");
        runtime.ShouldContain("ASPNETCORE_URLS=http://+:8080");
        runtime.ShouldContain("ENTRYPOINT [\"dotnet\", \"Beacon.Web.dll\"]");
        string.Join(" ", HealthCheckCommand()).ShouldContain("GET /health/live");

        // Every COPY from the build context names something that exists (catches renamed projects).
        foreach (Match copy in Regex.Matches(dockerfile, @"^COPY\s+(?!--from)(.+)$", RegexOptions.Multiline))
        {
            var parts = copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[..^1].Where(p => !p.StartsWith("--", StringComparison.Ordinal)))
            {
                var path = Path.Combine(RepoFiles.Root, source.TrimEnd('/'));
                (File.Exists(path) || Directory.Exists(path)).ShouldBeTrue($"Dockerfile copies {source}, which does not exist");
            }
        }

        var ignored = RepoFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToArray();
        ignored.ShouldContain("**/bin");
        ignored.ShouldContain("**/obj");
        ignored.ShouldContain("**/node_modules");
        ignored.ShouldContain(".git");
    }

    [Fact]
    public async Task The_dockerfile_health_check_passes_against_a_live_node_and_fails_without_one()
    {
        var database = Path.Combine(Directory.CreateTempSubdirectory("beacon-health-").FullName, "beacon.db");
        try
        {
            await using var node = await BeaconProcess.StartAsync(("ConnectionStrings:Sqlite", $"Data Source={database}"), ("ConnectionStrings:Redis", ""), ("ConnectionStrings:Postgres", ""));
            (await RunHealthCheckAsync(node.BaseAddress.Port)).ShouldBe(0, "the HEALTHCHECK command must succeed against /health/live");
            (await RunHealthCheckAsync(RedisServer.FreePort())).ShouldNotBe(0, "and fail when nothing answers");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(database)!, recursive: true);
        }
    }

    private static async Task<int> RunHealthCheckAsync(int port)
    {
        var command = HealthCheckCommand();
        command[0].ShouldBe("bash");
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument.Replace("127.0.0.1/8080", $"127.0.0.1/{port}", StringComparison.Ordinal));
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>The exec-form HEALTHCHECK CMD of the Dockerfile (backslash line continuations joined).</summary>
    private static string[] HealthCheckCommand()
    {
        var dockerfile = RepoFiles.Read("Dockerfile").Replace("\\\n", " ", StringComparison.Ordinal);
        var json = Regex.Match(dockerfile, @"^HEALTHCHECK\s.*?\bCMD\s+(\[.*\])\s*$", RegexOptions.Multiline).Groups[1].Value;
        json.ShouldNotBeEmpty("the Dockerfile needs an exec-form HEALTHCHECK ... CMD [...]");
        return JsonSerializer.Deserialize<string[]>(json)!;
    }

    private static TimeSpan ReadTimeout(string conf)
    {
        var match = Regex.Match(conf, @"proxy_read_timeout\s+(\d+)([smhd]?);");
        match.Success.ShouldBeTrue("proxy_read_timeout must be set");
        var value = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            "d" => TimeSpan.FromDays(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }

    private static string StripComments(string conf) => Regex.Replace(conf, @"#[^\n]*", string.Empty);

    /// <summary>Parses a YAML file of the repository, resolving anchors and merge keys (<c>&lt;&lt;: *x</c>) as compose does.</summary>
    internal static Dictionary<object, object> LoadYaml(string relativePath)
    {
        using var reader = new StringReader(RepoFiles.Read(relativePath));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    internal static Dictionary<string, object> Map(object node) =>
        ((Dictionary<object, object>)node).ToDictionary(p => (string)p.Key, p => p.Value);

    internal static List<object> List(object node) => (List<object>)node;

    internal static string Str(object node) => (string)node;

    internal static string[] Strings(object node) => List(node).Select(Str).ToArray();
}
