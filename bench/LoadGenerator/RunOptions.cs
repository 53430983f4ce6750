using System.Globalization;

namespace Beacon.Bench;

/// <summary>Command-line options. Every loop the harness runs is bounded by these counts and durations.</summary>
public sealed class RunOptions
{
    public bool Quick { get; set; }
    public List<string> Systems { get; set; } = [];
    public List<string> Scenarios { get; set; } = [];

    public int Connections { get; set; } = 5000;
    public int[] IdleSizes { get; set; } = [1000, 5000, 10000];
    public int IdleHoldSeconds { get; set; } = 60;
    /// <summary>
    /// Hold time for systems other than the first Beacon one (the capacity target is Beacon's). Their memory is read
    /// before the hold; the hold only checks that nothing drops.
    /// </summary>
    public int IdleHoldOthersSeconds { get; set; } = 5;
    public int IdleSettleSeconds { get; set; } = 3;

    /// <summary>
    /// Connections opened and closed before the idle scenario's base reading (0: none, the default). A diagnostic: the
    /// first connects compile the connect path (tier-0 code, then tier-1 and the JIT's own data), a one-time cost the
    /// default figure spreads over the connections; with a warm-up the base already includes it.
    /// </summary>
    public int IdleWarmup { get; set; }
    public double[] BroadcastRates { get; set; } = [10, 20];
    public int BroadcastSeconds { get; set; } = 15;
    public double TargetedRate { get; set; } = 2000;
    public int TargetedSeconds { get; set; } = 10;
    public double StormRate { get; set; } = 10;
    public int StormSeconds { get; set; } = 20;
    public int StormDropAfterSeconds { get; set; } = 3;
    public double SlowRate { get; set; } = 10;
    public int SlowSeconds { get; set; } = 10;
    public double SlowFraction { get; set; } = 0.01;
    public int SlowPadBytes { get; set; } = 512;
    public int PadBytes { get; set; } = 32;
    /// <summary>
    /// Unrecorded broadcast publishing before a system's first measured phase (JIT and pool warm-up). 20 s, because at
    /// 10 publishes/s a server's request path needs that long to finish tiered compilation: with 5 s, Beacon's JIT thread
    /// still used 0.34 cores through the measured phase (perf, bench/README.md).
    /// </summary>
    public int WarmupSeconds { get; set; } = 20;
    public int QueueCapacity { get; set; } = 256;
    public int PingSeconds { get; set; } = 30;
    public string NginxWorkers { get; set; } = "auto";
    public string? ServerGc { get; set; }
    /// <summary>Extra environment variables (K=V, comma-separated) for the .NET servers, for A/B runs of runtime knobs.</summary>
    public List<string> ServerEnv { get; set; } = [];

    /// <summary>
    /// Subscribers send the headers of a desktop Chromium's same-origin EventSource request (user agent, client hints,
    /// fetch metadata, encodings, languages, a referrer and two analytics cookies), not only Host, Accept and
    /// Cache-Control: what a server keeps per connection from a real browser. Off in the tables, so every system
    /// parses the same minimal request.
    /// </summary>
    public bool BrowserHeaders { get; set; }

    /// <summary>The runtime's switch for running socket completions on its epoll threads (read once, at the first socket use).</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// The generator's subscribers parse each receive on the runtime's epoll thread instead of a thread-pool hop
    /// (<see cref="InlineCompletionsVariable"/>): cheaper per delivery, so less of every system's latency is the
    /// generator's. The servers it starts never inherit it. On by default since session 13; <c>--inline-receives false</c>
    /// measures as earlier runs did.
    /// </summary>
    public bool InlineReceives { get; set; } = true;

    public int ReceiveBufferBytes { get; set; } = 4096;
    public int SlowReceiveBufferBytes { get; set; } = 2048;
    public int MaxReconnects { get; set; } = 20;
    public int ReconnectDelayMs { get; set; } = 1000;
    public int SourceAddresses { get; set; } = 8;
    public int ConnectBatch { get; set; } = 500;
    public int ConnectTimeoutSeconds { get; set; } = 60;
    public int MaxInFlight { get; set; } = 256;
    public int DrainSeconds { get; set; } = 10;

    public string BenchDir { get; set; } = "";
    public string WorkDir { get; set; } = Path.Combine(Path.GetTempPath(), $"beacon-bench-{Environment.ProcessId}");
    public string BeaconDll { get; set; } = "";
    public string HandWrittenDll { get; set; } = "";
    public string SignalRDll { get; set; } = "";
    public List<string> BeaconArgs { get; set; } = [];
    public string ResultsDir { get; set; } = "";
    public bool UpdateReadme { get; set; }
    public string Label { get; set; } = "";

    public static readonly string[] AllSystems = ["beacon", "beacon-redis", "beacon-2nodes-redis", "handwritten", "signalr", "signalr-2nodes-redis", "nchan"];
    public static readonly string[] AllScenarios = ["idle", "broadcast", "targeted", "storm", "slow"];

    public static RunOptions Parse(string[] args)
    {
        var o = new RunOptions();
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {a}");
            var eq = a.IndexOf('=');
            if (eq > 0) map[a[2..eq]] = a[(eq + 1)..];
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) map[a[2..]] = args[++i];
            else map[a[2..]] = "true";
        }

        o.Quick = map.TryGetValue("quick", out var q) && q is "true" or "1";
        if (o.Quick)
        {
            // Small N, every system once: a smoke test that the harness and every system still work (CI).
            o.Connections = 200;
            o.IdleSizes = [200];
            o.IdleHoldSeconds = 3;
            o.IdleHoldOthersSeconds = 2;
            o.IdleSettleSeconds = 1;
            o.BroadcastRates = [10];
            o.BroadcastSeconds = 2;
            o.TargetedRate = 200;
            o.TargetedSeconds = 2;
            o.StormSeconds = 6;
            o.StormDropAfterSeconds = 1;
            o.SlowSeconds = 3;
            o.SlowFraction = 0.05;
            o.DrainSeconds = 5;
            o.ConnectBatch = 200;
            o.WarmupSeconds = 1;
        }

        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "quick" };
        string? Get(string key)
        {
            read.Add(key);
            return map.TryGetValue(key, out var v) ? v : null;
        }

        int Int(string key, int d) => Get(key) is { } v ? Number(key, v, int.Parse) : d;
        double Dbl(string key, double d) => Get(key) is { } v ? Number(key, v, double.Parse) : d;

        o.BenchDir = Path.GetFullPath(Get("bench-dir") ?? FindBenchDir());
        o.Systems = (Get("systems") ?? string.Join(',', AllSystems)).Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        o.Scenarios = (Get("scenarios") ?? string.Join(',', AllScenarios)).Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        o.Connections = Int("connections", o.Connections);
        if (Get("idle-sizes") is { } sizes) o.IdleSizes = sizes.Split(',').Select(v => Number("idle-sizes", v, int.Parse)).ToArray();
        o.IdleHoldSeconds = Int("idle-hold", o.IdleHoldSeconds);
        o.IdleHoldOthersSeconds = Int("idle-hold-others", o.IdleHoldOthersSeconds);
        o.IdleWarmup = Int("idle-warmup", o.IdleWarmup);
        if (Get("broadcast-rates") is { } rates) o.BroadcastRates = rates.Split(',').Select(r => Number("broadcast-rates", r, double.Parse)).ToArray();
        o.BroadcastSeconds = Int("broadcast-seconds", o.BroadcastSeconds);
        o.TargetedRate = Dbl("targeted-rate", o.TargetedRate);
        o.TargetedSeconds = Int("targeted-seconds", o.TargetedSeconds);
        o.StormSeconds = Int("storm-seconds", o.StormSeconds);
        o.SlowSeconds = Int("slow-seconds", o.SlowSeconds);
        o.SlowFraction = Dbl("slow-fraction", o.SlowFraction);
        o.PadBytes = Int("pad", o.PadBytes);
        o.WarmupSeconds = Int("warmup-seconds", o.WarmupSeconds);
        o.QueueCapacity = Int("queue-capacity", o.QueueCapacity);
        o.PingSeconds = Int("ping-seconds", o.PingSeconds);
        o.NginxWorkers = Get("nginx-workers") ?? o.NginxWorkers;
        o.ServerGc = Get("server-gc");
        if (Get("server-env") is { } serverEnv) o.ServerEnv = serverEnv.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        o.SourceAddresses = Int("source-addresses", o.SourceAddresses);
        o.MaxInFlight = Int("max-in-flight", o.MaxInFlight);
        if (o.Quick && Get("systems") is null) o.Systems.Add("signalr-client");
        o.WorkDir = Get("work-dir") ?? o.WorkDir;
        var artifacts = Path.Combine(o.BenchDir, ".artifacts", "bin");
        o.BeaconDll = Path.GetFullPath(Get("beacon-dll") ?? Path.Combine(artifacts, "Beacon.Web", "release", "Beacon.Web.dll"));
        o.HandWrittenDll = Path.GetFullPath(Get("handwritten-dll") ?? Path.Combine(artifacts, "HandWrittenSse", "release", "HandWrittenSse.dll"));
        o.SignalRDll = Path.GetFullPath(Get("signalr-dll") ?? Path.Combine(artifacts, "SignalRApp", "release", "SignalRApp.dll"));
        if (Get("beacon-args") is { } extra) o.BeaconArgs = extra.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        o.ResultsDir = Path.GetFullPath(Get("results") ?? Path.Combine(o.BenchDir, "results", o.Quick ? "quick" : ""));
        o.UpdateReadme = Get("update-readme") is "true" or "1";
        o.BrowserHeaders = Get("browser-headers") is "true" or "1";
        o.InlineReceives = Get("inline-receives") is not ("false" or "0");
        o.Label = Get("label") ?? (o.Quick ? "quick" : "full");

        // A mistyped option must not silently start a 14-minute run with the defaults.
        if (map.Keys.FirstOrDefault(k => !read.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"unknown option --{unknown}; the options are --{string.Join(", --", read.Order(StringComparer.Ordinal))} (bench/README.md)");
        }

        return o;
    }

    private static T Number<T>(string option, string value, Func<string, IFormatProvider, T> parse)
    {
        try
        {
            return parse(value, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"--{option} takes numbers, not '{value}'", e);
        }
    }

    private static string FindBenchDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "bench", "LoadGenerator", "LoadGenerator.csproj"))) return Path.Combine(dir.FullName, "bench");
            if (File.Exists(Path.Combine(dir.FullName, "LoadGenerator", "LoadGenerator.csproj"))) return dir.FullName;
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "bench");
    }
}
