// Build script for Beacon. Run through ./build.sh (e.g. ./build.sh test --filter=Name~Foo).
using System.Xml.Linq;

var target = Argument("target", "Default");
var filter = Argument<string>("filter", null);
// The React client's Vitest and Playwright tests run with the others unless a --filter narrows the run to C# tests.
var clientTests = Argument("client-tests", filter == null);
// `./build.sh bench --quick` runs as one more test in a full run (issue 7: the harness must not rot); --bench-smoke=false skips it.
var benchSmoke = Argument("bench-smoke", filter == null);
var ci = EnvironmentVariable("CI", "false") is "true" or "1";

const string Solution = "App.sln";
const string Configuration = "Release";
var resultsDir = Directory("artifacts/test-results");

// Filled in by Test and printed after Cake's own task report, so CI can read the summary from the last line.
var report = new List<string>();
string summary = null;

Task("Clean").Does(() =>
{
    foreach (var root in new[] { "src", "tests" })
    {
        DeleteDirectories(GetDirectories($"{root}/**/bin") + GetDirectories($"{root}/**/obj"),
            new DeleteDirectorySettings { Recursive = true, Force = true });
    }
    CleanDirectory("artifacts");
});

Task("Restore").Does(() => DotNetRestore(Solution));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => DotNetBuild(Solution, new DotNetBuildSettings { Configuration = Configuration, NoRestore = true }));

// The test fixtures start redis/postgres on free ports themselves; the build only makes sure they are installed.
// A failed install is only a warning: the tests that need a package are the ones that should fail.
Task("Services").Does(() =>
{
    var missing = new List<string>();
    if (!Succeeds("which", "redis-server")) missing.Add("redis-server");
    if (!GetFiles("/usr/lib/postgresql/*/bin/initdb").Any()) missing.Add("postgresql");
    if (!FileExists("/usr/bin/chromium")) missing.Add("chromium");
    // Operations tests run deploy/nginx/beacon.conf in front of two nodes (and nginx -t on it).
    if (!FileExists("/usr/sbin/nginx")) missing.Add("nginx");
    // The bench smoke test runs nginx + nchan as a baseline.
    if (benchSmoke && !NchanInstalled()) missing.Add("libnginx-mod-nchan");
    if (missing.Count == 0) return;

    var packages = string.Join(" ", missing);
    if (!System.Environment.IsPrivilegedProcess)
    {
        Warning($"WARNING: missing {packages}; not root, so not installing. Tests that need them will fail.");
        return;
    }
    if (!(Apt("update") && Apt($"install -y --no-install-recommends {packages}")))
        Warning($"WARNING: apt-get could not install {packages}. Tests that need them will fail.");
});

Task("Test")
    .IsDependentOn("Build")
    .IsDependentOn("Services")
    .Does(() =>
{
    CleanDirectory(resultsDir); // stale .trx files would be counted otherwise
    int passed = 0, failed = 0, skipped = 0;

    // Run every project even after a failure, so one broken project doesn't hide the others' results.
    foreach (var project in GetFiles("tests/**/*.csproj").OrderBy(p => p.FullPath))
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        var trx = resultsDir + File($"{name}.trx");
        var exitCode = 0;
        DotNetTest(project.FullPath, new DotNetTestSettings
        {
            Configuration = Configuration,
            NoBuild = true,
            Filter = filter,
            Loggers = { $"trx;LogFileName={name}.trx" },
            ResultsDirectory = resultsDir,
            // In CI a hung test would otherwise sit until the 90-minute job limit and tell us nothing.
            ArgumentCustomization = args => ci ? args.Append("--blame-hang-timeout").Append("10m") : args,
            HandleExitCode = code => { exitCode = code; return true; },
            // The test host gets 100 ms to exit unless told otherwise, and is then killed: too short for the
            // integration tests' exit handler, which stops the shared PostgreSQL and deletes its folder.
            EnvironmentVariables = new Dictionary<string, string> { ["VSTEST_TESTHOST_SHUTDOWN_TIMEOUT"] = "20000" },
        });

        if (!FileExists(trx))
        {
            failed++;
            report.Add($"{name}: FAILED, dotnet test exited with {exitCode} without writing {trx} (crash or build problem); counted as 1 failed");
            continue;
        }

        var trxDocument = XDocument.Load(MakeAbsolute(trx).FullPath);
        var counters = trxDocument.Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string attribute) => (int?)counters.Attribute(attribute) ?? 0;
        // The trx logger leaves notExecuted at 0 for skipped tests but does leave them out of "executed".
        var (p, f, s) = (Count("passed"), Count("failed"), Count("total") - Count("executed"));
        // An aborted run (e.g. hang timeout, testhost crash) can leave a trx with no failed test in it.
        var note = "";
        if (exitCode != 0 && f == 0)
        {
            f = 1;
            note = $" (dotnet test exited with {exitCode} but the trx records no failure: aborted run?)";
        }
        passed += p; failed += f; skipped += s;
        report.Add($"{name}: {p} passed, {f} failed, {s} skipped{note}");
        // The failures again next to the totals: CI keeps the tail of the log, and the runner's output is far above.
        foreach (var result in trxDocument.Descendants().Where(e => e.Name.LocalName == "UnitTestResult" && (string)e.Attribute("outcome") == "Failed"))
        {
            var message = result.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            report.Add(FailureLine((string)result.Attribute("testName"), message));
            // Where it threw: a flake seen once in CI is diagnosable only from what the log kept.
            var stack = result.Descendants().FirstOrDefault(e => e.Name.LocalName == "StackTrace")?.Value ?? "";
            foreach (var frame in stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(6))
            {
                report.Add($"      {(frame.Length > 240 ? frame[..240] + "…" : frame)}");
            }
        }
    }

    if (clientTests)
    {
        foreach (var (name, p, f, s, note) in RunClientTests())
        {
            passed += p; failed += f; skipped += s;
            report.Add($"{name}: {p} passed, {f} failed, {s} skipped{note}");
        }
    }

    if (benchSmoke)
    {
        var (name, p, f, s, note) = RunBenchSmoke();
        passed += p; failed += f; skipped += s;
        report.Add($"{name}: {p} passed, {f} failed, {s} skipped{note}");
    }

    summary = $"{passed} passed, {failed} failed, {skipped} skipped";
    if (failed > 0) throw new CakeException($"{failed} test(s) failed; see {resultsDir}");
});

// Benchmarks (bench/README.md): ./build.sh bench [--quick] [--systems=a,b] [--scenarios=x,y] [--update-readme].
// Not part of Test or Default. Builds by path into bench/.artifacts (not via App.sln, and not into src/*/bin, so it
// neither slows the test build nor collides with it), then runs the harness, which starts every system itself.
Task("Bench").Does(() =>
{
    var artifacts = BuildBench();

    var missing = new List<string>();
    if (!Succeeds("which", "redis-server")) missing.Add("redis-server");
    if (!Succeeds("which", "nginx")) missing.Add("nginx");
    if (!NchanInstalled()) missing.Add("libnginx-mod-nchan");
    if (missing.Count > 0 && !(System.Environment.IsPrivilegedProcess && Apt("update") && Apt($"install -y --no-install-recommends {string.Join(" ", missing)}")))
        throw new CakeException($"the bench needs {string.Join(" ", missing)} (apt-get install them)");

    var passThrough = new List<string>();
    if (Argument("quick", false)) passThrough.Add("--quick");
    if (Argument("update-readme", false)) passThrough.Add("--update-readme");
    foreach (var name in new[] { "systems", "scenarios", "connections", "label" })
    {
        var value = Argument<string>(name, null);
        if (value != null) passThrough.Add($"--{name}={value}");
    }
    // 10,000 subscribers need more than the usual 1,024 open files: raise the soft limit to the hard one.
    var generator = $"{artifacts}/bin/LoadGenerator/{Configuration.ToLowerInvariant()}/Beacon.LoadGenerator.dll";
    var command = $"ulimit -n $(ulimit -Hn); exec dotnet '{generator}' {string.Join(" ", passThrough)}";
    var exitCode = StartProcess("bash", new ProcessSettings { Arguments = new ProcessArgumentBuilder().Append("-c").AppendQuoted(command) });
    if (exitCode != 0) throw new CakeException($"the bench failed (exit code {exitCode}); see its output above");
});

Task("Default").IsDependentOn("Test");

try
{
    RunTarget(target);
}
catch when (summary != null)
{
    // Cake would log the exception after the summary; exit here so the summary stays the last line.
    PrintReport();
    System.Environment.Exit(1);
}
PrintReport();

void PrintReport()
{
    if (summary == null) return;
    report.ForEach(Console.WriteLine);
    Console.WriteLine(summary);
}

// src/Web/ClientApp: Vitest unit tests (JSON reporter), then the end-to-end tests in /usr/bin/chromium against
// Beacon processes started from this build (a node:test reporter writes their totals). A runner that dies
// without writing its totals counts as 1 failed, like a dotnet test project without a trx.
IEnumerable<(string Name, int Passed, int Failed, int Skipped, string Note)> RunClientTests()
{
    var clientApp = MakeAbsolute(Directory("src/Web/ClientApp"));
    var results = MakeAbsolute(resultsDir);
    if (!DirectoryExists(clientApp.Combine("node_modules")))
        StartProcess("npm", new ProcessSettings { Arguments = "ci --no-audit --no-fund", WorkingDirectory = clientApp });

    var vitestJson = results.CombineWithFilePath("client-vitest.json");
    var vitestExit = StartProcess("npx", new ProcessSettings
    {
        Arguments = $"vitest run --reporter=default --reporter=json --outputFile.json={vitestJson.FullPath}",
        WorkingDirectory = clientApp,
    });
    if (FileExists(vitestJson))
    {
        var json = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(vitestJson.FullPath)).RootElement;
        int Count(string property) => json.TryGetProperty(property, out var value) ? value.GetInt32() : 0;
        var (p, f, s) = (Count("numPassedTests"), Count("numFailedTests"), Count("numPendingTests") + Count("numTodoTests"));
        var note = vitestExit != 0 && f == 0 ? $" (vitest exited with {vitestExit} but recorded no failure; counted as 1 failed)" : "";
        yield return ("ClientApp (vitest)", p, f + (note.Length > 0 ? 1 : 0), s, note);
    }
    else
    {
        yield return ("ClientApp (vitest)", 0, 1, 0, $", FAILED: vitest exited with {vitestExit} without writing {vitestJson}");
    }

    var e2eJson = results.CombineWithFilePath("client-e2e.json");
    var started = DateTime.UtcNow;
    var e2eExit = StartProcess("node", new ProcessSettings
    {
        Arguments = "--test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec --test-reporter-destination=stdout "
            + $"--test-reporter=./e2e/summary-reporter.mjs --test-reporter-destination={e2eJson.FullPath} e2e/",
        WorkingDirectory = clientApp,
        EnvironmentVariables = new Dictionary<string, string>
        {
            ["BEACON_DLL"] = MakeAbsolute(File($"src/Web/bin/{Configuration}/net10.0/Beacon.Web.dll")).FullPath,
        },
    });
    var took = $" in {(DateTime.UtcNow - started).TotalSeconds:0} s";
    if (FileExists(e2eJson))
    {
        var json = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(e2eJson.FullPath)).RootElement;
        var (p, f, s) = (json.GetProperty("passed").GetInt32(), json.GetProperty("failed").GetInt32(), json.GetProperty("skipped").GetInt32());
        var unrecorded = e2eExit != 0 && f == 0;
        var note = unrecorded ? $" (node --test exited with {e2eExit} but recorded no failure; counted as 1 failed)" : "";
        if (json.TryGetProperty("failures", out var failures))
        {
            // "name: message", as the reporter wrote it.
            foreach (var failure in failures.EnumerateArray()) note += System.Environment.NewLine + FailureLine(failure.GetString(), null);
        }
        yield return ("ClientApp (e2e, Chromium)", p, f + (unrecorded ? 1 : 0), s, took + note);
    }
    else
    {
        yield return ("ClientApp (e2e, Chromium)", 0, 1, 0, $"{took}, FAILED: node --test exited with {e2eExit} without writing {e2eJson}");
    }
}

// One indented line per failed test for the report, its message cut short: the full text is in the runner's output.
string FailureLine(string test, string message)
{
    var text = string.Join(" ", $"{test}{(message is null ? "" : $": {message}")}".Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    return $"  - failed: {(text.Length > 400 ? text[..400] + "…" : text)}";
}

bool NchanInstalled() =>
    FileExists("/usr/lib/nginx/modules/ngx_nchan_module.so") || FileExists("/usr/share/nginx/modules/ngx_nchan_module.so");

// The bench's four projects, by path into bench/.artifacts (not via App.sln, not into src/*/bin).
string BuildBench()
{
    var artifacts = MakeAbsolute(Directory("bench/.artifacts")).FullPath;
    foreach (var project in new[]
    {
        "src/Web/Beacon.Web.csproj",
        "bench/Baselines/HandWrittenSse/HandWrittenSse.csproj",
        "bench/Baselines/SignalRApp/SignalRApp.csproj",
        "bench/LoadGenerator/LoadGenerator.csproj",
    })
    {
        DotNetBuild(project, new DotNetBuildSettings
        {
            Configuration = Configuration,
            ArgumentCustomization = args => args.Append("--artifacts-path").AppendQuoted(artifacts).Append("-p:SkipClientBuild=true"),
        });
    }

    return artifacts;
}

// One test: `bench --quick` (every system, every scenario, small N) must build and finish without a scenario error,
// and Beacon must lose, duplicate, misroute and reorder nothing in it, with every publish accepted. Its latencies come
// from a shared CI machine and are not compared.
(string Name, int Passed, int Failed, int Skipped, string Note) RunBenchSmoke()
{
    const string name = "Bench smoke (bench --quick)";
    var started = DateTime.UtcNow;
    string Took() => $" in {(DateTime.UtcNow - started).TotalSeconds:0} s";
    if (!NchanInstalled() || !Succeeds("which", "nginx") || !Succeeds("which", "redis-server"))
        return (name, 0, 0, 1, ", SKIPPED: nginx, libnginx-mod-nchan or redis-server is missing and could not be installed");

    string artifacts;
    try
    {
        artifacts = BuildBench();
    }
    catch (Exception ex)
    {
        return (name, 0, 1, 0, $"{Took()}, FAILED: the bench did not build ({ex.Message})");
    }

    var results = MakeAbsolute(resultsDir).Combine("bench-quick").FullPath;
    CleanDirectory(results);
    var generator = $"{artifacts}/bin/LoadGenerator/{Configuration.ToLowerInvariant()}/Beacon.LoadGenerator.dll";
    var exitCode = StartProcess("bash", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().Append("-c").AppendQuoted($"ulimit -n $(ulimit -Hn); exec dotnet '{generator}' --quick --results '{results}'"),
    });
    if (exitCode != 0) return (name, 0, 1, 0, $"{Took()}, FAILED: the harness exited with {exitCode} (a scenario errored; see its output above)");

    var problems = new List<string>();
    foreach (var file in GetFiles($"{results}/*.json"))
    {
        var json = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(file.FullPath)).RootElement;
        if (!json.TryGetProperty("results", out var bySystem)) continue;
        foreach (var system in bySystem.EnumerateObject().Where(s => s.Name.StartsWith("beacon")))
            foreach (var (key, value) in Numbers(system.Value, ""))
                if (SmokeMustBeZero.Any(field => key.EndsWith("." + field)) && value > 0)
                    problems.Add($"{file.GetFilenameWithoutExtension()} {system.Name}{key} = {value}");
    }

    if (problems.Count == 0 && !GetFiles($"{results}/*.json").Any()) problems.Add("no result files were written");
    return problems.Count == 0
        ? (name, 1, 0, 0, Took())
        : (name, 0, 1, 0, $"{Took()}, FAILED: {string.Join("; ", problems)}");
}

// What must be zero per Beacon system and scenario: events lost or delivered twice, delivered to a user they were not
// for, delivered out of id order, and publishes Beacon refused. A property: a script field declared below RunTarget
// is still null when the target runs.
string[] SmokeMustBeZero => new[] { "lost", "duplicated", "misrouted", "idNonIncreasing", "publishFailed" };

IEnumerable<(string Key, double Value)> Numbers(System.Text.Json.JsonElement element, string path)
{
    switch (element.ValueKind)
    {
        case System.Text.Json.JsonValueKind.Object:
            foreach (var property in element.EnumerateObject())
                foreach (var item in Numbers(property.Value, $"{path}.{property.Name}")) yield return item;
            break;
        case System.Text.Json.JsonValueKind.Array:
            var i = 0;
            foreach (var child in element.EnumerateArray())
                foreach (var item in Numbers(child, $"{path}[{i++}]")) yield return item;
            break;
        case System.Text.Json.JsonValueKind.Number:
            yield return (path, element.GetDouble());
            break;
    }
}

bool Succeeds(string tool, string arguments)
{
    try { return StartProcess(tool, new ProcessSettings { Arguments = arguments, Silent = true, RedirectStandardOutput = true }) == 0; }
    catch (Exception) { return false; } // tool not on PATH
}

bool Apt(string arguments)
{
    try
    {
        return StartProcess("apt-get", new ProcessSettings
        {
            Arguments = arguments,
            EnvironmentVariables = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
        }) == 0;
    }
    catch (Exception) { return false; } // no apt-get (not Debian)
}
