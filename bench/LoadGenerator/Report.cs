using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Beacon.Bench;

/// <summary>Writes results as JSON (one file per scenario) and renders Markdown tables.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    public const string ReadmeStart = "<!-- bench-results:start -->";
    public const string ReadmeEnd = "<!-- bench-results:end -->";

    public static void Write(RunOptions o, string stamp, Dictionary<string, object?> machine,
        Dictionary<string, Dictionary<string, Dictionary<string, object?>>> all, Dictionary<string, double> timings, DateTime started)
    {
        Directory.CreateDirectory(o.ResultsDir);
        foreach (var (scenario, bySystem) in all)
        {
            var doc = new Dictionary<string, object?>
            {
                ["label"] = o.Label,
                ["started"] = started.ToString("O"),
                ["scenario"] = scenario,
                ["machine"] = machine,
                ["options"] = Settings(o),
                ["systemSeconds"] = timings,
                ["results"] = bySystem,
            };
            File.WriteAllText(Path.Combine(o.ResultsDir, $"{stamp}-{scenario}.json"), JsonSerializer.Serialize(doc, JsonOptions));
        }
        File.WriteAllText(Path.Combine(o.ResultsDir, $"{stamp}-summary.md"), Markdown(o, machine, all, timings, started));
    }

    private static Dictionary<string, object?> Settings(RunOptions o) => new()
    {
        ["connections"] = o.Connections,
        ["idleSizes"] = o.IdleSizes,
        ["idleHoldSeconds"] = o.IdleHoldSeconds,
        ["idleHoldOthersSeconds"] = o.IdleHoldOthersSeconds,
        ["idleWarmup"] = o.IdleWarmup,
        ["broadcastRates"] = o.BroadcastRates,
        ["broadcastSeconds"] = o.BroadcastSeconds,
        ["targetedRate"] = o.TargetedRate,
        ["targetedSeconds"] = o.TargetedSeconds,
        ["stormSeconds"] = o.StormSeconds,
        ["slowSeconds"] = o.SlowSeconds,
        ["slowFraction"] = o.SlowFraction,
        ["slowPadBytes"] = o.SlowPadBytes,
        ["padBytes"] = o.PadBytes,
        ["warmupSeconds"] = o.WarmupSeconds,
        ["queueCapacity"] = o.QueueCapacity,
        ["pingSeconds"] = o.PingSeconds,
        ["nginxWorkers"] = o.NginxWorkers,
        ["sourceAddresses"] = o.SourceAddresses,
        ["serverGc"] = o.ServerGc,
        ["serverEnv"] = o.ServerEnv,
    };

    public static string Markdown(RunOptions o, Dictionary<string, object?> machine,
        Dictionary<string, Dictionary<string, Dictionary<string, object?>>> all, Dictionary<string, double> timings, DateTime started)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Run `{o.Label}` started {started:yyyy-MM-dd HH:mm}, {machine["cpu"]}, {machine["memoryGiB"]} GiB, kernel {machine["kernel"]}, {machine["dotnet"]}, " +
                      $"{machine["nginx"]}, {machine["redis"]?.ToString()?.Split(' ').Take(3).Aggregate((a, b) => a + " " + b)}; load average at start {machine["loadAverage"]}, at end {ProcStats.LoadAverage()}; " +
                      $"busy cores in the 2 s before the run {machine.GetValueOrDefault("busyCoresBeforeRun")}. The load average counts the bench's own threads; the 'other' CPU column (machine − server − generator) shows whether anything else ran.");
        sb.AppendLine($"Seconds per system: {string.Join(", ", timings.Select(t => $"{t.Key} {t.Value}"))}.");
        sb.AppendLine();

        foreach (var (scenario, bySystem) in all.OrderBy(s => Order(s.Key)))
        {
            sb.AppendLine($"#### {scenario}");
            sb.AppendLine();
            if (scenario == "idle")
            {
                sb.AppendLine("| system | connections held | per-connection memory at each N | marginal memory per connection between the last two N | managed heap per connection | connect p50 / p99 (ms) at last N | dropped while held | load avg |");
                sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
                foreach (var (system, r) in bySystem)
                {
                    if (Err(sb, system, r, 8)) continue;
                    var points = (List<Dictionary<string, object?>>)r["points"]!;
                    var marginal = points.Count < 2 ? "n/a" : $"{points[^2]["connections"]}→{points[^1]["connections"]}: {Kb(points[^1].GetValueOrDefault("marginalMemoryPerConnectionBytes"))}";
                    var memory = string.Join(", ", points.Select(p => $"{p["connections"]}: {Kb(p["memoryPerConnectionBytes"])}"));
                    var heap = string.Join(", ", points.Select(p => $"{p["connections"]}: {Kb(p["managedHeapPerConnectionBytes"])}"));
                    var lastConnect = (Dictionary<string, object?>)points[^1]["connect"]!;
                    sb.AppendLine($"| {system} | {r["readyAfterHold"]}/{r["held"]} for {r["holdSeconds"]} s | {memory} ({points[0]["serverMemoryKind"]}) | {marginal} | {heap} | {lastConnect["p50Ms"]} / {lastConnect["p99Ms"]} | {r["dropsDuringHold"]} | {r["loadAverageAtEnd"]} |");
                }
            }
            else
            {
                var extra = scenario switch
                {
                    "storm" => " all resumed after (s) | resumed |",
                    "slow" => " p99 without slow clients (ms) | slow clients | slow-consumer closes |",
                    _ => "",
                };
                sb.AppendLine($"| system | conns | rate/s | delivered/s (offered) | p50 ms | p99 ms | max ms | first delivery / publish round trip p50 (ms) | lost | dup | publish failed | CPU server / generator / other (cores) | memory MB (per connection) |{extra} load avg |");
                sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" + (extra == "" ? "" : scenario == "storm" ? " --- | --- |" : " --- | --- | --- |") + " --- |");
                foreach (var (system, r) in bySystem)
                {
                    if (Err(sb, system, r, 14)) continue;
                    var lat = (Dictionary<string, object?>)r["latencyMs"]!;
                    var cpu = (Dictionary<string, object?>)r["cpuCores"]!;
                    var expectedPerSecond = Convert.ToDouble(r.GetValueOrDefault("expectedPerSecond") ?? 0, CultureInfo.InvariantCulture);
                    var memory = Convert.ToDouble(r["serverMemoryBytes"], CultureInfo.InvariantCulture) / 1048576;
                    var tail = scenario switch
                    {
                        "storm" => $" {r.GetValueOrDefault("recoverySeconds") ?? "not all"} | {r["resumed"]}/{r["connections"]} |",
                        "slow" => $" {r["p99WithoutSlowMs"]} | {r.GetValueOrDefault("slowClients")} | {r.GetValueOrDefault("serverSlowConsumerDisconnects") ?? "n/a"} |",
                        _ => "",
                    };
                    sb.AppendLine($"| {system} | {r["connections"]} | {r["ratePerSecond"]} | {r["deliveredPerSecond"]} ({expectedPerSecond:F0}) | {lat["p50"]} | {lat["p99"]} | {lat["max"]} | {FirstAndRoundTrip(r)} | {r["lost"]} | {r["duplicated"]} | {r["publishFailed"]} | {cpu["server"]} / {cpu["generator"]} / {Other(cpu)} | {memory:F0} ({Kb(r.GetValueOrDefault("memoryPerConnectionBytes"))}) |{tail} {r["loadAverageAtEnd"]} |");
                }
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>
    /// The p50 over events of each one's first delivery, and of the publish request's round trip: the fixed part of a
    /// delivery's latency, before the fan-out spreads it, and how long the server kept the publisher waiting.
    /// </summary>
    private static string FirstAndRoundTrip(Dictionary<string, object?> r)
    {
        var first = r.GetValueOrDefault("firstDeliveryMs") as Dictionary<string, object?>;
        var roundTrip = r.GetValueOrDefault("publishRoundTripMs") as Dictionary<string, object?>;
        return $"{first?.GetValueOrDefault("p50") ?? "n/a"} / {roundTrip?.GetValueOrDefault("p50") ?? "n/a"}";
    }

    private static int Order(string scenario) => scenario switch
    {
        "idle" => 0,
        _ when scenario.StartsWith("broadcast", StringComparison.Ordinal) => 1,
        "targeted" => 2,
        "storm" => 3,
        "slow" => 4,
        _ => 5,
    };

    private static bool Err(StringBuilder sb, string system, Dictionary<string, object?> r, int columns)
    {
        if (!r.TryGetValue("error", out var e)) return false;
        sb.AppendLine($"| {system} | error: {e?.ToString()?.Replace('|', '/').Replace('\n', ' ')} |" + new string('|', Math.Max(0, columns - 2)));
        return true;
    }

    /// <summary>Machine CPU not used by the server or the generator: other people's work. Near 0 means a quiet run.</summary>
    private static string Other(Dictionary<string, object?> cpu)
    {
        double D(string k) => Convert.ToDouble(cpu.GetValueOrDefault(k) ?? 0, CultureInfo.InvariantCulture);
        return Math.Max(0, D("machine") - D("server") - D("generator")).ToString("F2", CultureInfo.InvariantCulture);
    }

    private static string Kb(object? bytes) => bytes is null ? "n/a" : $"{Convert.ToDouble(bytes, CultureInfo.InvariantCulture) / 1024:F1} KB";

    public static void UpdateReadme(RunOptions o, Dictionary<string, object?> machine,
        Dictionary<string, Dictionary<string, Dictionary<string, object?>>> all, Dictionary<string, double> timings, DateTime started)
    {
        var path = Path.Combine(o.BenchDir, "README.md");
        if (!File.Exists(path)) return;
        var text = File.ReadAllText(path);
        var start = text.IndexOf(ReadmeStart, StringComparison.Ordinal);
        var end = text.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (start < 0 || end < start) return;
        var table = Markdown(o, machine, all, timings, started);
        text = text[..(start + ReadmeStart.Length)] + "\n" + table + text[end..];
        File.WriteAllText(path, text);
    }
}
