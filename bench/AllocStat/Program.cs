using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// AllocStat <trace.nettrace> [frames] [under]: what a process allocated while a trace ran, from the runtime's allocation
// samples (AllocationTick, one per ~100 KB allocated), by type, by frame (inclusive) and by allocating stack; with
// `under`, only the samples with a frame whose name contains it (the whole stack is searched). Record with
//   dotnet-trace collect -p <pid> --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:16 -o x.nettrace
// HeapStat shows what stays; this shows the garbage on the way (bench/README.md, session 17).
if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: AllocStat <trace.nettrace> [frames per stack, default 12] [only samples under a frame containing this]");
    return 2;
}

var depth = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 12;
var under = args.Length > 2 ? args[2] : null;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byStack = new Dictionary<string, long>();
var byFrame = new Dictionary<string, long>();
long total = 0;
foreach (var sample in log.Events)
{
    if (sample is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    if (under is not null && !IsUnder(tick.CallStack(), under))
    {
        continue;
    }

    var bytes = tick.AllocationAmount64;
    total += bytes;
    Add(byType, tick.TypeName, bytes);
    var frames = new List<string>();
    for (var frame = sample.CallStack(); frame is not null && frames.Count < depth; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName;
        frames.Add(string.IsNullOrEmpty(name) ? frame.CodeAddress.ModuleName + "!?" : name.Length > 160 ? name[..160] : name);
    }

    Add(byStack, tick.TypeName + "\n    " + string.Join("\n    ", frames), bytes);
    foreach (var frame in frames.Distinct())
    {
        Add(byFrame, frame, bytes);
    }
}

Console.WriteLine($"total sampled {total:N0}");
Print("by type", byType, 40);
Print("by frame (inclusive)", byFrame, 60);
Print("by stack", byStack, 40);
return 0;

void Print(string title, Dictionary<string, long> counts, int top)
{
    Console.WriteLine("== " + title);
    foreach (var (key, bytes) in counts.OrderByDescending(p => p.Value).Take(top))
    {
        Console.WriteLine($"{bytes,14:N0} {100.0 * bytes / Math.Max(total, 1),5:F1}% {key}");
    }
}

static bool IsUnder(Microsoft.Diagnostics.Tracing.Etlx.TraceCallStack? stack, string text)
{
    for (var frame = stack; frame is not null; frame = frame.Caller)
    {
        if (frame.CodeAddress.FullMethodName?.Contains(text, StringComparison.Ordinal) == true)
        {
            return true;
        }
    }

    return false;
}

static void Add(Dictionary<string, long> counts, string key, long bytes) => counts[key] = counts.GetValueOrDefault(key) + bytes;
