using System.Diagnostics;
using System.Numerics;

namespace Beacon.Bench;

/// <summary>Log-linear latency histogram in microseconds (~0.8% resolution), lock-free, thread-safe.</summary>
public sealed class Histogram
{
    private const int Linear = 256, Half = 128, Exponents = 40;
    private readonly long[] _buckets = new long[Linear + Exponents * Half];
    private long _count, _max, _sum;

    public static long TicksToMicros(long ticks) => ticks <= 0 ? 0 : ticks * 1_000_000 / Stopwatch.Frequency;

    public long Count => Volatile.Read(ref _count);

    public void RecordTicks(long ticks) => Record(TicksToMicros(ticks));

    public void Record(long micros)
    {
        if (micros < 0) micros = 0;
        Interlocked.Increment(ref _buckets[Index(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, micros);
        var max = Volatile.Read(ref _max);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, micros, max);
            if (seen == max) break;
            max = seen;
        }
    }

    private static int Index(long v)
    {
        if (v < Linear) return (int)v;
        var exp = 63 - BitOperations.LeadingZeroCount((ulong)v) - 7; // v >> exp in [128, 256)
        var index = Linear + (exp - 1) * Half + (int)((v >> exp) - Half);
        return Math.Min(index, Linear + Exponents * Half - 1);
    }

    private static long Value(int index)
    {
        if (index < Linear) return index;
        var exp = (index - Linear) / Half + 1;
        var mantissa = (index - Linear) % Half + Half;
        return ((long)mantissa << exp) + (1L << (exp - 1)); // bucket midpoint
    }

    /// <summary>The value at quantile q (0..1), in microseconds; 0 when empty.</summary>
    public long Percentile(double q)
    {
        var count = Count;
        if (count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(q * count));
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Volatile.Read(ref _buckets[i]);
            if (seen >= rank) return Math.Min(Value(i), Max);
        }
        return Max;
    }

    public long Max => Volatile.Read(ref _max);
    public double Mean => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;
}
