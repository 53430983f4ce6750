// Live managed objects of a running .NET process, by type: what each connection really costs.
//   dotnet run --project bench/HeapStat -c Release -- <pid> [top] [--strings] [--memory] [--owners <type name part>]
// Walks the heap from the GC roots (so garbage not yet collected is left out) with ClrMD, suspending the process
// while it reads. Used for bench/README.md "Memory per connection": run it against Beacon and the hand-written
// baseline holding the same number of idle connections, and compare the types whose count is the connection count.
using Microsoft.Diagnostics.Runtime;

if (args.Length == 0 || !int.TryParse(args[0], out var pid))
{
    Console.Error.WriteLine("usage: HeapStat <pid> [top] [--strings] [--memory] [--owners <type name part>]");
    return 2;
}

var top = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
// --strings also groups the live strings by their first 32 characters: which strings a connection keeps.
var strings = args.Contains("--strings") ? new Dictionary<string, (long Count, long Bytes)>() : null;
using var target = DataTarget.AttachToProcess(pid, suspend: true);
var runtime = target.ClrVersions[0].CreateRuntime();
var heap = runtime.Heap;
var seen = new HashSet<ulong>();
var pending = new Stack<ulong>();
foreach (var root in heap.EnumerateRoots())
{
    if (root.Object.Address != 0 && seen.Add(root.Object.Address))
    {
        pending.Push(root.Object.Address);
    }
}

// --owners <text>: for objects whose type name contains the text, which type holds them (the first one found).
var ownersOf = args.SkipWhile(a => a != "--owners").Skip(1).FirstOrDefault();
var owners = new Dictionary<string, long>();
var byType = new Dictionary<string, (long Count, long Bytes)>();
long total = 0;
while (pending.Count > 0)
{
    var obj = heap.GetObject(pending.Pop());
    if (!obj.IsValid)
    {
        continue;
    }

    var name = obj.Type?.Name ?? "?";
    var size = (long)obj.Size;
    total += size;
    byType[name] = byType.TryGetValue(name, out var s) ? (s.Count + 1, s.Bytes + size) : (1, size);
    if (strings is not null && obj.Type?.IsString == true)
    {
        // Values seen once are grouped by their length, so a per-connection unique string (an id) shows as a count.
        var value = obj.AsString(32) ?? "?";
        strings[value] = strings.TryGetValue(value, out var v) ? (v.Count + 1, v.Bytes + size) : (1, size);
    }

    foreach (var reference in obj.EnumerateReferenceAddresses(carefully: true))
    {
        if (reference != 0 && seen.Add(reference))
        {
            pending.Push(reference);
            if (ownersOf is not null && heap.GetObjectType(reference)?.Name is { } child && child.Contains(ownersOf, StringComparison.Ordinal))
            {
                var key = $"{child} <- {name}";
                owners[key] = owners.GetValueOrDefault(key) + 1;
            }
        }
    }
}

Console.WriteLine($"live objects: {seen.Count:N0}, live bytes: {total:N0}");
foreach (var (name, s) in byType.OrderByDescending(kv => kv.Value.Bytes).Take(top))
{
    Console.WriteLine($"{s.Bytes,14:N0} {s.Count,10:N0}  {name}");
}

foreach (var (key, count) in owners.OrderByDescending(kv => kv.Value).Take(top))
{
    Console.WriteLine($"{count,10:N0}  {key}");
}

if (strings is not null)
{
    Console.WriteLine("strings by their first 32 characters:");
    var grouped = strings
        .GroupBy(kv => kv.Value.Count == 1 ? $"<unique, {kv.Value.Bytes} bytes>" : kv.Key)
        .Select(g => (Value: g.Count() > 1 ? $"{g.Key}, e.g. {g.ElementAt(g.Count() / 2).Key}, {g.Last().Key}" : g.Key, Count: g.Sum(kv => kv.Value.Count), Bytes: g.Sum(kv => kv.Value.Bytes)));
    foreach (var (value, count, bytes) in grouped.OrderByDescending(g => g.Bytes).Take(top))
    {
        Console.WriteLine($"{bytes,14:N0} {count,10:N0}  {value.ReplaceLineEndings(" ")}");
    }
}

if (args.Contains("--memory"))
{
    // Where the process's memory is besides the live objects: the GC's segments (committed, and how much of it
    // holds objects, live or dead) and the runtime's native heaps (JIT'd code, stubs, loader heaps).
    Console.WriteLine("GC segments by kind: committed / objects (live or not yet collected)");
    foreach (var g in heap.Segments.GroupBy(s => s.Kind))
    {
        Console.WriteLine($"{g.Sum(s => (long)s.CommittedMemory.Length),14:N0} {g.Sum(s => (long)s.ObjectRange.Length),14:N0}  {g.Key} ({g.Count()} segments)");
    }

    // Objects in gen1 and gen2 that no root reaches: garbage promoted before it died, resident until a collection
    // of its generation. Grouped by type, it names the allocations that outlived a collection.
    var dead = new Dictionary<string, (long Count, long Bytes)>();
    foreach (var segment in heap.Segments.Where(s => s.Kind is GCSegmentKind.Generation1 or GCSegmentKind.Generation2 or GCSegmentKind.Ephemeral))
    {
        foreach (var obj in segment.EnumerateObjects())
        {
            if (seen.Contains(obj.Address) || obj.IsFree || segment.GetGeneration(obj.Address) == Generation.Generation0)
            {
                continue;
            }

            var name = obj.Type?.Name ?? "?";
            dead[name] = dead.TryGetValue(name, out var d) ? (d.Count + 1, d.Bytes + (long)obj.Size) : (1, (long)obj.Size);
        }
    }

    Console.WriteLine($"dead objects in gen1 and gen2: {dead.Values.Sum(d => d.Bytes):N0} bytes");
    foreach (var (name, d) in dead.OrderByDescending(kv => kv.Value.Bytes).Take(top))
    {
        Console.WriteLine($"{d.Bytes,14:N0} {d.Count,10:N0}  {name}");
    }

    Console.WriteLine("runtime native heaps by kind: bytes");
    foreach (var g in runtime.EnumerateClrNativeHeaps().GroupBy(h => h.Kind))
    {
        Console.WriteLine($"{g.Sum(h => (long)h.MemoryRange.Length),14:N0}  {g.Key} ({g.Count()})");
    }
}

return 0;
