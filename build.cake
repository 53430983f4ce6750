// Build script for Beacon. Run through ./build.sh (e.g. ./build.sh test --filter=Name~Foo).
using System.Xml.Linq;

var target = Argument("target", "Default");
var filter = Argument<string>("filter", null);
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
        });

        if (!FileExists(trx))
        {
            failed++;
            report.Add($"{name}: FAILED, dotnet test exited with {exitCode} without writing {trx} (crash or build problem); counted as 1 failed");
            continue;
        }

        var counters = XDocument.Load(MakeAbsolute(trx).FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
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
    }

    summary = $"{passed} passed, {failed} failed, {skipped} skipped";
    if (failed > 0) throw new CakeException($"{failed} test(s) failed; see {resultsDir}");
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
