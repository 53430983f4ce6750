using System.Diagnostics;

namespace Beacon.Bench;

/// <summary>Reads /proc: RSS and PSS of a process tree, CPU time, machine load.</summary>
public static class ProcStats
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    public static long RssBytes(int pid) => StatusKb(pid, "VmRSS:") * 1024;

    /// <summary>
    /// RSS by kind: anonymous (heaps, stacks), file (mapped libraries) and shared memory, where the .NET runtime's
    /// double-mapped executable memory (JIT code, stubs) is counted. Shows what a memory figure is made of.
    /// </summary>
    public static Dictionary<string, long> RssKinds(IEnumerable<int> pids) => new()
    {
        ["anon"] = pids.Sum(p => StatusKb(p, "RssAnon:")) * 1024,
        ["file"] = pids.Sum(p => StatusKb(p, "RssFile:")) * 1024,
        ["shmem"] = pids.Sum(p => StatusKb(p, "RssShmem:")) * 1024,
    };

    private static long StatusKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>Proportional set size (shared pages split among sharers): the fair figure for multi-process servers.</summary>
    public static long PssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    return long.Parse(line[4..].Trim().Split(' ')[0]) * 1024;
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>The process and its descendants (nginx master + workers).</summary>
    public static List<int> Tree(int pid)
    {
        var result = new List<int> { pid };
        for (var i = 0; i < result.Count && i < 64; i++)
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{result[i]}/task"))
                {
                    var children = File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    result.AddRange(children.Select(int.Parse).Where(c => !result.Contains(c)));
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return result;
    }

    /// <summary>utime + stime of a process, in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is state (field 3); utime is field 14, stime field 15.
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        catch (IOException) { return 0; }
        catch (FormatException) { return 0; }
    }

    public static double CpuSeconds(IEnumerable<int> pids) => pids.Sum(CpuSeconds);

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    public static double Load1() => double.TryParse(LoadAverage().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : -1;

    /// <summary>Idle seconds of all cores together so far (idle + iowait, first line of /proc/stat).</summary>
    /// <remarks>
    /// The busy fields of /proc/stat are sampled at the timer tick, so work that wakes on a timer and sleeps again
    /// before the next tick (the publisher's 1 ms steps) is missed: the machine read less than server + generator.
    /// Idle time is measured exactly on tickless kernels, so busy is taken as wall time × cores − idle.
    /// </remarks>
    public static double MachineIdleSeconds()
    {
        var parts = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (parts[3] + (parts.Length > 4 ? parts[4] : 0)) / TicksPerSecond;
    }

    public static int SelfPid => Environment.ProcessId;
}

/// <summary>CPU usage of a set of processes and of the machine over an interval.</summary>
public sealed class CpuMeter
{
    private readonly Func<IReadOnlyList<int>> _pids;
    private readonly double _start;
    private readonly double _self;
    private readonly double _machineIdle;
    private readonly long _t0 = Stopwatch.GetTimestamp();

    public CpuMeter(Func<IReadOnlyList<int>> pids)
    {
        _pids = pids;
        _start = ProcStats.CpuSeconds(pids());
        _self = ProcStats.CpuSeconds(ProcStats.SelfPid);
        _machineIdle = ProcStats.MachineIdleSeconds();
    }

    /// <summary>Cores used by the server(s), by the generator, and by the whole machine, since construction.</summary>
    public (double Server, double Generator, double Machine) Cores()
    {
        var seconds = Stopwatch.GetElapsedTime(_t0).TotalSeconds;
        if (seconds <= 0) return (0, 0, 0);
        var machine = Math.Clamp(Environment.ProcessorCount - (ProcStats.MachineIdleSeconds() - _machineIdle) / seconds, 0, Environment.ProcessorCount);
        return (
            Math.Round((ProcStats.CpuSeconds(_pids()) - _start) / seconds, 3),
            Math.Round((ProcStats.CpuSeconds(ProcStats.SelfPid) - _self) / seconds, 3),
            Math.Round(machine, 3));
    }
}
