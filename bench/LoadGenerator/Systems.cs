using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Beacon.Bench;

public enum Route { Broadcast, Targeted }

/// <summary>A server process the harness started, with its output in a log file.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    public string LogPath { get; }
    public int Pid => _process.Id;
    public bool Exited => _process.HasExited;

    private ServerProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    public static ServerProcess Start(string file, IEnumerable<string> args, string workDir, string logPath, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);

        // The generator's own socket setting (Program.cs) is not the servers': they run with the runtime's defaults.
        info.Environment.Remove(RunOptions.InlineCompletionsVariable);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, logPath);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited) return;
        kill(_process.Id, 15); // SIGTERM: graceful
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Polls until an HTTP GET answers below 500, bounded by <paramref name="timeout"/>.</summary>
    public static async Task WaitHttpAsync(HttpClient http, string url, TimeSpan timeout, ServerProcess? process = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process?.Exited == true) throw new InvalidOperationException($"server exited; see {process.LogPath}");
            try
            {
                using var r = await http.GetAsync(url);
                if ((int)r.StatusCode < 500) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{url} did not answer within {timeout}" + (process is null ? "" : $"; see {process.LogPath}"));
    }

    public static async Task WaitTcpAsync(int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException($"port {port} did not open within {timeout}");
    }
}

/// <summary>A redis-server the harness starts on a free port, without persistence.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private ServerProcess? _process;
    public int Port { get; private set; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public int Pid => _process?.Pid ?? 0;

    public async Task StartAsync(string workDir)
    {
        Port = ServerProcess.FreePort();
        Directory.CreateDirectory(workDir);
        _process = ServerProcess.Start("redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workDir, "--maxclients", "1000"],
            workDir, Path.Combine(workDir, "redis.log"));
        await ServerProcess.WaitTcpAsync(Port, TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

/// <summary>A system under test: how to start it, subscribe to it and publish to it.</summary>
public abstract class SystemUnderTest : IAsyncDisposable
{
    protected readonly List<ServerProcess> Processes = [];
    protected readonly List<int> Ports = [];
    protected RedisServer? Redis;
    protected RunOptions Options = null!;
    protected string WorkDir = null!;

    public abstract string Name { get; }
    public abstract string Description { get; }
    public virtual bool SupportsResume => false;

    /// <summary>
    /// Whether the unrecorded warm-up before the first measured phase applies: it lets a .NET server finish tiered
    /// compilation and grow its pools. The generator itself warms up with the first system it drives.
    /// </summary>
    public virtual bool NeedsWarmUp => true;
    public virtual bool SignalR => false;
    /// <summary>Whether broadcast and per-user delivery need different streams (nchan: one channel per stream).</summary>
    public virtual bool SeparateTargetedStreams => false;
    /// <summary>Whether memory is measured as PSS over a process tree (nginx master + workers) rather than RSS.</summary>
    public virtual bool MultiProcess => false;
    /// <summary>Whether the system only holds connections (<c>kestrel-floor</c>): the publishing scenarios do not apply.</summary>
    public virtual bool HoldsOnly => false;
    public int Nodes => Ports.Count;

    /// <summary>
    /// The server's memory read right after its processes started or restarted, before any connection: what a
    /// phase's memory per connection held is counted from. Issue 7's reference figures (nchan ~14 KB per connection)
    /// were read at 5,000 connections under broadcast10, not idle.
    /// </summary>
    public long StartMemoryBytes { get; private set; }

    public async Task StartAsync(RunOptions options, HttpClient http)
    {
        Options = options;
        WorkDir = Path.Combine(options.WorkDir, Name);
        if (Directory.Exists(WorkDir)) Directory.Delete(WorkDir, recursive: true);
        Directory.CreateDirectory(WorkDir);
        await StartCoreAsync(http);
        StartMemoryBytes = MemoryBytes();
    }

    protected abstract Task StartCoreAsync(HttpClient http);

    /// <summary>
    /// Stops every process and starts the system again with the same options, in a work directory of its own
    /// (<paramref name="label"/>), so the next scenarios start from a fresh heap instead of the previous one's.
    /// </summary>
    public async Task RestartAsync(HttpClient http, string label)
    {
        await StopProcessesAsync();
        WorkDir = Path.Combine(Options.WorkDir, $"{Name}-{label}");
        if (Directory.Exists(WorkDir)) Directory.Delete(WorkDir, recursive: true);
        Directory.CreateDirectory(WorkDir);
        await StartCoreAsync(http);
        StartMemoryBytes = MemoryBytes();
    }

    protected async Task StartRedisAsync()
    {
        Redis = new RedisServer();
        await Redis.StartAsync(Path.Combine(WorkDir, "redis"));
    }

    public IPEndPoint NodeEndPoint(int node) => new(IPAddress.Loopback, Ports[node % Ports.Count]);

    public abstract SubscribeTarget Subscribe(int userIndex, Route route);

    public abstract HttpRequestMessage CreatePublish(long seq, int target, byte[] payload);

    public IReadOnlyList<int> ServerPids() => MultiProcess
        ? Processes.SelectMany(p => ProcStats.Tree(p.Pid)).ToList()
        : Processes.Select(p => p.Pid).ToList();

    /// <summary>Redis counts as part of the system for CPU, but is reported separately for memory.</summary>
    public IReadOnlyList<int> AllPids() => Redis is null ? ServerPids() : [.. ServerPids(), Redis.Pid];

    public long MemoryBytes() => MultiProcess ? ServerPids().Sum(ProcStats.PssBytes) : ServerPids().Sum(ProcStats.RssBytes);
    public long RedisRssBytes() => Redis is null ? 0 : ProcStats.RssBytes(Redis.Pid);

    /// <summary>Managed heap of the server process(es), or null when the system does not expose it.</summary>
    public virtual Task<long?> ManagedHeapAsync(HttpClient http) => Task.FromResult<long?>(null);

    /// <summary>Server-side counters worth reporting (e.g. slow-consumer disconnects), or null.</summary>
    public virtual Task<Dictionary<string, long>?> ServerCountersAsync(HttpClient http) => Task.FromResult<Dictionary<string, long>?>(null);

    /// <summary>Total GC pause time of the server process(es) so far, in seconds, or null when not exposed.</summary>
    public virtual Task<double?> GcPauseSecondsAsync(HttpClient http) => Task.FromResult<double?>(null);

    public void CheckAlive()
    {
        foreach (var p in Processes)
        {
            if (p.Exited) throw new InvalidOperationException($"{Name}: a server process exited; see {p.LogPath}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessesAsync();
        GC.SuppressFinalize(this);
    }

    private async Task StopProcessesAsync()
    {
        foreach (var p in Processes) await p.DisposeAsync();
        Processes.Clear();
        Ports.Clear();
        if (Redis is not null) await Redis.DisposeAsync();
        Redis = null;
    }

    protected static async Task<long?> HeapEndpointAsync(HttpClient http, IEnumerable<string> urls)
    {
        long total = 0;
        foreach (var url in urls)
        {
            try
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync(url));
                total += doc.RootElement.GetProperty("heapBytes").GetInt64();
            }
            catch (Exception) { return null; }
        }
        return total;
    }

    /// <summary>Each app keeps its own GC mode (ASP.NET Core's default: server GC) unless --server-gc says otherwise.</summary>
    protected Dictionary<string, string> GcEnv(Dictionary<string, string> env)
    {
        if (Options.ServerGc is { } gc) env["DOTNET_gcServer"] = gc is "true" or "1" ? "1" : "0";
        foreach (var pair in Options.ServerEnv)
        {
            var eq = pair.IndexOf('=');
            if (eq > 0) env[pair[..eq]] = pair[(eq + 1)..];
        }
        return env;
    }

    protected static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}

/// <summary>Beacon's own web app (src/Web), as built, in Release: 1 node embedded, 1 node + Redis, or 2 nodes + Redis.</summary>
public sealed class BeaconSystem(int nodes, bool redis) : SystemUnderTest
{
    private string? _token;

    public override string Name => redis ? (nodes == 1 ? "beacon-redis" : $"beacon-{nodes}nodes-redis") : "beacon";
    public override string Description => redis
        ? $"Beacon (src/Web, Release), {nodes} node(s) + Redis, in-process publish over POST /api/events"
        : "Beacon (src/Web, Release), 1 node, embedded bus and history";
    public override bool SupportsResume => true;

    protected override async Task StartCoreAsync(HttpClient http)
    {
        if (redis) await StartRedisAsync();
        for (var i = 0; i < nodes; i++)
        {
            var port = ServerProcess.FreePort();
            var nodeDir = Path.Combine(WorkDir, $"node{i}");
            Directory.CreateDirectory(nodeDir);
            var args = new List<string>
            {
                Options.BeaconDll,
                "--urls", $"http://127.0.0.1:{port}",
                "--contentRoot", Path.GetDirectoryName(Options.BeaconDll)!,
                "--environment", "Production",
                $"--Auth:SigningKey={SigningKey}",
                "--Realtime:MaxClients=20000",
                "--Realtime:AllowAnonymous=true",
                $"--Realtime:QueueCapacity={Options.QueueCapacity}",
                $"--Realtime:PingIntervalSeconds={Options.PingSeconds}",
                "--RateLimiting:Enabled=false",
                $"--Database:SqlitePath={Path.Combine(nodeDir, "beacon.db")}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
                "--Logging:LogLevel:Beacon.Requests=Warning",
            };
            if (redis) args.Add($"--ConnectionStrings:Redis={Redis!.ConnectionString}");
            args.AddRange(Options.BeaconArgs);
            var process = ServerProcess.Start("dotnet", args, nodeDir, Path.Combine(nodeDir, "server.log"),
                GcEnv(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" }));
            Processes.Add(process);
            Ports.Add(port);
        }
        // Nodes start in parallel: on 2 cores a sequential start doubles the wait for nothing.
        await Task.WhenAll(Ports.Select((port, i) => ServerProcess.WaitHttpAsync(http, $"http://127.0.0.1:{port}/api/sse/stats", TimeSpan.FromSeconds(90), Processes[i])));

        // Production, as deployed: no dev-token endpoint, so the publisher's token is signed here with the key Beacon got.
        _token = PublisherToken(SigningKey);
    }

    /// <summary>Beacon's <c>Auth:SigningKey</c> for this run (HMAC-SHA256, at least 32 bytes).</summary>
    private static readonly string SigningKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A day-long HS256 JWT for user <c>bench-publisher</c> with role <c>publisher</c>, issuer and audience <c>beacon</c>.</summary>
    private static string PublisherToken(string key)
    {
        static string Segment(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Segment("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8.ToArray());
        var claims = Segment(Encoding.UTF8.GetBytes(
            $"{{\"sub\":\"bench-publisher\",\"role\":\"publisher\",\"iss\":\"beacon\",\"aud\":\"beacon\",\"nbf\":{now - 60},\"iat\":{now},\"exp\":{now + 86400}}}"));
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(header + "." + claims));
        return header + "." + claims + "." + Segment(signature);
    }

    public override SubscribeTarget Subscribe(int userIndex, Route route) =>
        new(NodeEndPoint(userIndex), $"/api/sse?userId=u{userIndex}");

    public override HttpRequestMessage CreatePublish(long seq, int target, byte[] payload)
    {
        var audience = target == PublishLog.All ? "{\"all\":true}" : $"{{\"users\":[\"u{target}\"]}}";
        var body = new byte[payload.Length + 64 + audience.Length];
        var length = 0;
        void Put(ReadOnlySpan<byte> b) { b.CopyTo(body.AsSpan(length)); length += b.Length; }
        Put("{\"type\":\"bench\",\"data\":"u8);
        Put(payload);
        Put(",\"audience\":"u8);
        Put(Encoding.ASCII.GetBytes(audience));
        Put("}"u8);
        var content = new ByteArrayContent(body, 0, length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://{NodeEndPoint((int)(seq % Nodes))}/api/events") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return request;
    }

    private static readonly Regex HeapSeries = new(@"^(?:dotnet_gc_last_collection_heap_size_bytes|process_runtime_dotnet_gc_heap_size_bytes)(?:\{[^}]*\})?\s+([0-9.eE+]+)", RegexOptions.Multiline);

    private static readonly Regex GcPauseSeries = new(@"^dotnet_gc_pause_time_seconds_total(?:\{[^}]*\})?\s+([0-9.eE+]+)", RegexOptions.Multiline);

    public override async Task<long?> ManagedHeapAsync(HttpClient http) => await SumMetricAsync(http, HeapSeries) is { } bytes ? (long)bytes : null;

    public override Task<double?> GcPauseSecondsAsync(HttpClient http) => SumMetricAsync(http, GcPauseSeries);

    /// <summary>A Prometheus series from every node's <c>/metrics</c>, summed; null when a node does not export it.</summary>
    private async Task<double?> SumMetricAsync(HttpClient http, Regex series)
    {
        double total = 0;
        foreach (var port in Ports)
        {
            try
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                var matches = series.Matches(text);
                if (matches.Count == 0) return null; // /metrics does not export the runtime's GC meter
                total += matches.Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception) { return null; }
        }
        return total;
    }

    public override async Task<Dictionary<string, long>?> ServerCountersAsync(HttpClient http)
    {
        var result = new Dictionary<string, long>();
        foreach (var port in Ports)
        {
            try
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/sse/stats"));
                var local = doc.RootElement.TryGetProperty("local", out var l) ? l : doc.RootElement;
                foreach (var name in new[] { "slowConsumerDisconnects", "totalEventsSent", "totalClients" })
                {
                    if (local.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number)
                    {
                        result[name] = result.GetValueOrDefault(name) + v.GetInt64();
                    }
                }
            }
            catch (Exception) { return null; }
        }
        return result;
    }
}

/// <summary>bench/Baselines/HandWrittenSse: TypedResults.ServerSentEvents + bounded channel per client + broadcast loop.</summary>
/// <remarks>
/// With <paramref name="holdOnly"/>, the system is <c>kestrel-floor</c>: the same app's <c>/hold</c> route, which
/// starts an SSE response, writes one event and then only waits for the client to go. Not a product and not a
/// baseline: what Kestrel and ASP.NET Core keep per open stream before an application keeps anything, the floor under
/// every Kestrel-hosted SSE server's memory figure. Idle only, run on demand (<c>--systems kestrel-floor</c>).
/// </remarks>
public sealed class HandWrittenSystem(bool holdOnly = false) : SystemUnderTest
{
    public override string Name => holdOnly ? "kestrel-floor" : "handwritten";
    public override string Description => holdOnly
        ? "Kestrel's floor: an SSE response started, one event, then nothing until the client goes (bench/Baselines/HandWrittenSse, /hold)"
        : ".NET 10 TypedResults.ServerSentEvents + bounded channel per client + broadcast loop (bench/Baselines/HandWrittenSse)";
    public override bool HoldsOnly => holdOnly;

    protected override async Task StartCoreAsync(HttpClient http)
    {
        var port = ServerProcess.FreePort();
        var process = ServerProcess.Start("dotnet",
            [Options.HandWrittenDll, "--urls", $"http://127.0.0.1:{port}", $"--QueueCapacity={Options.QueueCapacity}", $"--PingIntervalSeconds={Options.PingSeconds}"],
            WorkDir, Path.Combine(WorkDir, "server.log"),
            GcEnv([]));
        Processes.Add(process);
        Ports.Add(port);
        await ServerProcess.WaitHttpAsync(http, $"http://127.0.0.1:{port}/heap", TimeSpan.FromSeconds(60), process);
    }

    public override SubscribeTarget Subscribe(int userIndex, Route route) => new(NodeEndPoint(0), $"/{(holdOnly ? "hold" : "sse")}?userId=u{userIndex}");

    public override HttpRequestMessage CreatePublish(long seq, int target, byte[] payload) =>
        new(HttpMethod.Post, $"http://{NodeEndPoint(0)}/publish" + (target == PublishLog.All ? "" : $"?user=u{target}")) { Content = Json(payload) };

    public override Task<long?> ManagedHeapAsync(HttpClient http) => HeapEndpointAsync(http, Ports.Select(p => $"http://127.0.0.1:{p}/heap"));
}

/// <summary>bench/Baselines/SignalRApp over its SSE transport: 1 node, or N nodes with the Redis backplane.</summary>
public sealed class SignalRSystem(int nodes, bool redis, bool officialClient = false) : SystemUnderTest
{
    public override string Name => (redis ? (nodes == 1 ? "signalr-redis" : $"signalr-{nodes}nodes-redis") : "signalr") + (officialClient ? "-client" : "");
    public override string Description => $"ASP.NET Core SignalR, SSE transport, {nodes} node(s)" + (redis ? " + StackExchangeRedis backplane" : "") + " (bench/Baselines/SignalRApp)"
        + (officialClient ? ", subscribers driven by Microsoft.AspNetCore.SignalR.Client" : ", raw SSE subscribers (negotiate, handshake, 0x1e-split records)");
    public bool OfficialClient => officialClient;
    public override bool SignalR => true;

    protected override async Task StartCoreAsync(HttpClient http)
    {
        if (redis) await StartRedisAsync();
        for (var i = 0; i < nodes; i++)
        {
            var port = ServerProcess.FreePort();
            var args = new List<string> { Options.SignalRDll, "--urls", $"http://127.0.0.1:{port}", $"--PingIntervalSeconds={Options.PingSeconds}" };
            if (redis) args.Add($"--ConnectionStrings:Redis={Redis!.ConnectionString}");
            var process = ServerProcess.Start("dotnet", args, WorkDir, Path.Combine(WorkDir, $"server{i}.log"),
                GcEnv([]));
            Processes.Add(process);
            Ports.Add(port);
        }
        await Task.WhenAll(Ports.Select((port, i) => ServerProcess.WaitHttpAsync(http, $"http://127.0.0.1:{port}/heap", TimeSpan.FromSeconds(60), Processes[i])));
    }

    public override SubscribeTarget Subscribe(int userIndex, Route route) => new(NodeEndPoint(userIndex), "", SignalR: true, SignalRHubPath: "/hub");

    public string HubUrl(int userIndex) => $"http://{NodeEndPoint(userIndex)}/hub";

    public override HttpRequestMessage CreatePublish(long seq, int target, byte[] payload) =>
        new(HttpMethod.Post, $"http://{NodeEndPoint((int)(seq % Nodes))}/publish" + (target == PublishLog.All ? "" : $"?user=u{target}")) { Content = Json(payload) };

    public override Task<long?> ManagedHeapAsync(HttpClient http) => HeapEndpointAsync(http, Ports.Select(p => $"http://127.0.0.1:{p}/heap"));
}

/// <summary>nginx + nchan (Debian's libnginx-mod-nchan) under a temp prefix on a free port.</summary>
public sealed class NchanSystem : SystemUnderTest
{
    public override string Name => "nchan";
    public override string Description => "nginx + nchan (Debian libnginx-mod-nchan), nchan_subscriber eventsource, worker_processes auto";

    /// <summary>Compiled C: no tiered compilation and no managed pools to warm, and the full bench needs the 20 s.</summary>
    public override bool NeedsWarmUp => false;
    public override bool SupportsResume => true;
    public override bool SeparateTargetedStreams => true;
    public override bool MultiProcess => true;

    protected override async Task StartCoreAsync(HttpClient http)
    {
        var module = new[] { "/usr/lib/nginx/modules/ngx_nchan_module.so", "/usr/share/nginx/modules/ngx_nchan_module.so" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("ngx_nchan_module.so not found: apt-get install nginx libnginx-mod-nchan");
        var port = ServerProcess.FreePort();
        foreach (var d in new[] { "logs", "tmp" }) Directory.CreateDirectory(Path.Combine(WorkDir, d));
        var template = File.ReadAllText(Path.Combine(Options.BenchDir, "Baselines", "nchan", "nginx.conf.template"));
        var conf = template.Replace("{{MODULE}}", module).Replace("{{PREFIX}}", WorkDir).Replace("{{PORT}}", port.ToString())
            .Replace("{{PING}}", Options.PingSeconds.ToString()).Replace("{{WORKERS}}", Options.NginxWorkers);
        var confPath = Path.Combine(WorkDir, "nginx.conf");
        File.WriteAllText(confPath, conf);
        var process = ServerProcess.Start("nginx", ["-p", WorkDir, "-c", confPath], WorkDir, Path.Combine(WorkDir, "logs", "stdout.log"));
        Processes.Add(process);
        Ports.Add(port);
        await ServerProcess.WaitHttpAsync(http, $"http://127.0.0.1:{port}/health", TimeSpan.FromSeconds(30), process);
    }

    public override SubscribeTarget Subscribe(int userIndex, Route route) =>
        new(NodeEndPoint(0), route == Route.Broadcast ? "/sub?ch=all" : $"/sub?ch=u{userIndex}");

    public override HttpRequestMessage CreatePublish(long seq, int target, byte[] payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://{NodeEndPoint(0)}/pub?ch=" + (target == PublishLog.All ? "all" : $"u{target}")) { Content = Json(payload) };
        request.Headers.Accept.ParseAdd("text/json");
        return request;
    }
}
