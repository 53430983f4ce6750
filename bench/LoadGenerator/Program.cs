using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Beacon.Bench;

// Beacon load generator and bench harness. See bench/README.md.
//   dotnet bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll [--quick] [--systems a,b] [--scenarios idle,broadcast,...]
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine("Beacon bench harness: see bench/README.md (\"Commands\") for the options and what each scenario measures.");
    return 0;
}

RunOptions options;
try
{
    options = RunOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 2;
}

if (options.InlineReceives)
{
    // Before the first socket is created: the runtime reads it once.
    Environment.SetEnvironmentVariable(RunOptions.InlineCompletionsVariable, "1");
}

ThreadPool.GetMinThreads(out var worker, out var io);
ThreadPool.SetMinThreads(Math.Max(worker, 16), Math.Max(io, 16));

var started = DateTime.Now;
var stamp = started.ToString("yyyy-MM-dd-HHmm");
var machine = Machine.Describe();
Console.WriteLine($"Beacon bench ({options.Label}), {machine["cpu"]}, load average {ProcStats.LoadAverage()}");
// The load average also counts the bench's own threads from a previous run, so sample what the machine is doing now.
var idle = new CpuMeter(() => []);
await Task.Delay(2000);
var busyBefore = idle.Cores().Machine;
machine["busyCoresBeforeRun"] = busyBefore;
if (busyBefore > 0.5)
{
    Console.WriteLine($"WARNING: {busyBefore:F2} of {Environment.ProcessorCount} cores were busy before the run (load average {ProcStats.LoadAverage()}): other work is running, so latency and CPU figures are not comparable with a quiet run. Watch the 'other' CPU column.");
}
Console.WriteLine($"systems: {string.Join(',', options.Systems)}; scenarios: {string.Join(',', options.Scenarios)}; work dir {options.WorkDir}");

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.MaxInFlight,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
}) { Timeout = TimeSpan.FromSeconds(30) };

var all = new Dictionary<string, Dictionary<string, Dictionary<string, object?>>>(); // scenario -> system -> result
var timings = new Dictionary<string, double>();
var firstBeacon = true;
foreach (var name in options.Systems)
{
    SystemUnderTest sut = name switch
    {
        "beacon" => new BeaconSystem(1, redis: false),
        "beacon-redis" => new BeaconSystem(1, redis: true),
        "beacon-2nodes-redis" => new BeaconSystem(2, redis: true),
        "handwritten" => new HandWrittenSystem(),
        "signalr" => new SignalRSystem(1, redis: false),
        "signalr-redis" => new SignalRSystem(1, redis: true),
        "signalr-client" => new SignalRSystem(1, redis: false, officialClient: true),
        "signalr-2nodes-redis" => new SignalRSystem(2, redis: true),
        "nchan" => new NchanSystem(),
        "kestrel-floor" => new HandWrittenSystem(holdOnly: true),
        _ => throw new ArgumentException($"unknown system {name}; known: {string.Join(',', RunOptions.AllSystems)}, signalr-redis, signalr-client, kestrel-floor"),
    };
    var sw = Stopwatch.StartNew();
    var runner = new Runner(sut, options, http, firstBeacon && name == "beacon");
    if (name == "beacon") firstBeacon = false;
    var results = await runner.RunAsync();
    timings[name] = Math.Round(sw.Elapsed.TotalSeconds, 1);
    foreach (var (scenario, result) in results)
    {
        if (!all.TryGetValue(scenario, out var bySystem)) all[scenario] = bySystem = new();
        bySystem[name] = result;
    }
    Report.Write(options, stamp, machine, all, timings, started);
}

var total = (DateTime.Now - started).TotalSeconds;
Console.WriteLine($"bench finished in {total:F0} s; results in {options.ResultsDir}");
Console.WriteLine(Report.Markdown(options, machine, all, timings, started));
if (options.UpdateReadme) Report.UpdateReadme(options, machine, all, timings, started);
try { Directory.Delete(options.WorkDir, recursive: true); } catch (IOException) { }

// Exit non-zero when any scenario errored, so CI notices a rotten harness.
var errors = all.SelectMany(s => s.Value).Count(r => r.Value.ContainsKey("error"));
if (errors > 0) Console.WriteLine($"{errors} scenario run(s) failed");
return errors > 0 ? 1 : 0;

internal static class Machine
{
    public static Dictionary<string, object?> Describe()
    {
        string Read(string path) { try { return File.ReadAllText(path).Trim(); } catch (IOException) { return "?"; } }
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var mem = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return new()
        {
            ["cpu"] = $"{Environment.ProcessorCount} × {cpu}",
            ["memoryGiB"] = Math.Round(long.Parse(mem) / 1024.0 / 1024.0, 1),
            ["kernel"] = Read("/proc/sys/kernel/osrelease"),
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["nginx"] = Tool("nginx", "-v"),
            ["redis"] = Tool("redis-server", "--version"),
            ["openFileLimit"] = Tool("sh", "-c \"ulimit -n\""),
            ["somaxconn"] = Read("/proc/sys/net/core/somaxconn"),
            ["loadAverage"] = ProcStats.LoadAverage(),
        };
    }

    private static string Tool(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit(5000);
            return text.Trim();
        }
        catch (Exception) { return "not installed"; }
    }
}
