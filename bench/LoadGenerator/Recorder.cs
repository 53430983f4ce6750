using System.Buffers.Text;

namespace Beacon.Bench;

/// <summary>What each published event was for, and whether the server accepted it.</summary>
public sealed class PublishLog(int capacity)
{
    public const int All = -1;
    private readonly int[] _target = new int[capacity];
    private readonly byte[] _status = new byte[capacity]; // 0 pending, 1 accepted, 2 failed
    private long _next;

    public int Capacity => capacity;
    public long Next => Volatile.Read(ref _next);

    /// <summary>Reserves the next sequence number for an event addressed to <paramref name="target"/> (a user index or All).</summary>
    public long Reserve(int target)
    {
        var seq = Interlocked.Increment(ref _next) - 1;
        if (seq >= capacity) throw new InvalidOperationException($"publish log full ({capacity}); raise --max-publishes");
        _target[seq] = target;
        return seq;
    }

    public void Complete(long seq, bool accepted) => Volatile.Write(ref _status[seq], accepted ? (byte)1 : (byte)2);
    public bool Accepted(long seq) => Volatile.Read(ref _status[seq]) == 1;
    public bool Failed(long seq) => Volatile.Read(ref _status[seq]) == 2;
    public int Target(long seq) => _target[seq];
}

/// <summary>One measured interval: events with sequence numbers in [SeqStart, SeqEnd).</summary>
public sealed class Phase(string name, long seqStart, int maxEvents)
{
    public string Name { get; } = name;
    public long SeqStart { get; } = seqStart;
    public long SeqEnd { get; set; } = seqStart + maxEvents;
    public int MaxEvents { get; } = maxEvents;
    public Histogram Latency { get; } = new();
    public Histogram ExcludedLatency { get; } = new();
    public long Delivered, ExcludedDelivered, Duplicates, IdNonIncreasing, Misrouted, OutOfPhase;
    public long FirstReceive, LastReceive;
    public long Started = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>A delivery slower than this counts against its event in <see cref="SlowDeliveries"/>: 50 ms, the targets' scale.</summary>
    public static readonly long SlowTicks = System.Diagnostics.Stopwatch.Frequency / 20;

    /// <summary>Per event (index from <see cref="SeqStart"/>): deliveries slower than <see cref="SlowTicks"/>, and the slowest.</summary>
    public readonly int[] SlowDeliveries = new int[maxEvents];
    public readonly long[] SlowestTicks = new long[maxEvents];
    public readonly long[] PublishedTicks = new long[maxEvents];

    /// <summary>
    /// Per event, the latency of its first recorded delivery: the fixed cost from the publisher's stamp to the first
    /// byte a subscriber reads (publish request, dispatch, first send, the generator's receive), with the fan-out's
    /// spread taken out.
    /// </summary>
    public readonly long[] FirstTicks = new long[maxEvents];

    /// <summary>Only slow deliveries pay for this (and contend on it), so the common path stays one comparison.</summary>
    public void RecordSlow(int index, long latencyTicks, long publishedTicks)
    {
        Interlocked.Increment(ref SlowDeliveries[index]);
        Volatile.Write(ref PublishedTicks[index], publishedTicks);
        long seen;
        while (latencyTicks > (seen = Volatile.Read(ref SlowestTicks[index])) && Interlocked.CompareExchange(ref SlowestTicks[index], latencyTicks, seen) != seen)
        {
        }
    }
}

/// <summary>Shared by every subscriber: routes each received bench event to the current phase.</summary>
public sealed class Recorder
{
    private volatile Phase? _phase;
    public long Pings, Connects, Drops, ConnectFailures;
    public Histogram ConnectTime { get; set; } = new();

    public Phase? Current => _phase;
    public void Begin(Phase phase) => _phase = phase;
    public void End() => _phase = null;

    public void OnEvent(Subscriber sub, long seq, long publishedTicks, long now, ReadOnlySpan<byte> id, PublishLog log)
    {
        var phase = _phase;
        if (phase is null) return;
        if (seq < phase.SeqStart || seq >= phase.SeqStart + phase.MaxEvents || seq >= log.Capacity)
        {
            Interlocked.Increment(ref phase.OutOfPhase);
            return;
        }
        // Single writer per subscriber (its receive loop), so the bitmap needs no interlock.
        if (!ReferenceEquals(sub.BitsPhase, phase))
        {
            sub.Bits = new ulong[(phase.MaxEvents + 63) / 64];
            sub.BitsPhase = phase;
        }
        var k = (int)(seq - phase.SeqStart);
        ref var word = ref sub.Bits![k >> 6];
        var mask = 1UL << (k & 63);
        if ((word & mask) != 0)
        {
            Interlocked.Increment(ref phase.Duplicates);
            return;
        }
        word |= mask;
        var target = log.Target(seq);
        if (target != PublishLog.All && target != sub.UserIndex)
        {
            Interlocked.Increment(ref phase.Misrouted);
        }
        if (!id.IsEmpty)
        {
            if (sub.LastIdLength > 0 && IdOrder.Compare(id, sub.LastId.AsSpan(0, sub.LastIdLength)) <= 0)
            {
                Interlocked.Increment(ref phase.IdNonIncreasing);
            }
        }
        if (now - publishedTicks > Phase.SlowTicks && !sub.Excluded)
        {
            phase.RecordSlow(k, now - publishedTicks, publishedTicks);
        }
        if (sub.Excluded)
        {
            phase.ExcludedLatency.RecordTicks(now - publishedTicks);
            Interlocked.Increment(ref phase.ExcludedDelivered);
        }
        else
        {
            phase.Latency.RecordTicks(now - publishedTicks);
            Interlocked.Increment(ref phase.Delivered);
            if (Volatile.Read(ref phase.FirstTicks[k]) == 0)
            {
                Interlocked.CompareExchange(ref phase.FirstTicks[k], Math.Max(1, now - publishedTicks), 0);
            }
        }
        if (phase.FirstReceive == 0) Interlocked.CompareExchange(ref phase.FirstReceive, now, 0);
        phase.LastReceive = now;
    }
}

/// <summary>Compares event ids as tuples of their digit runs (Beacon "epoch-seq", "epoch:ms-seq"; nchan "time:tag").</summary>
public static class IdOrder
{
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = 0, j = 0;
        while (true)
        {
            var (x, hasX) = NextRun(a, ref i);
            var (y, hasY) = NextRun(b, ref j);
            if (!hasX || !hasY) return hasX.CompareTo(hasY);
            var c = x.CompareTo(y);
            if (c != 0) return c;
        }
    }

    private static (ulong Value, bool Found) NextRun(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && (uint)(s[i] - '0') > 9) i++;
        if (i >= s.Length) return (0, false);
        ulong v = 0;
        var digits = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            if (digits++ < 19) v = v * 10 + (ulong)(s[i] - '0');
            i++;
        }
        return (v, true);
    }
}

/// <summary>Finds the bench payload's fields in JSON without parsing it: {"s":seq,"t":ticks,...}.</summary>
public static class PayloadScanner
{
    private static ReadOnlySpan<byte> SKey => "\"s\":"u8;
    private static ReadOnlySpan<byte> TKey => "\"t\":"u8;

    public static bool TryRead(ReadOnlySpan<byte> json, out long seq, out long ticks)
    {
        seq = ticks = 0;
        return TryNumber(json, SKey, out seq) && TryNumber(json, TKey, out ticks);
    }

    private static bool TryNumber(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key, out long value)
    {
        value = 0;
        var at = json.IndexOf(key);
        if (at < 0) return false;
        return Utf8Parser.TryParse(json[(at + key.Length)..], out value, out _);
    }
}

/// <summary>One subscriber's accounting state, whatever its transport.</summary>
public abstract class Subscriber
{
    public int Index { get; init; }
    public int UserIndex { get; init; }
    public volatile bool Excluded;
    public ulong[]? Bits;
    public Phase? BitsPhase;
    public byte[] LastId = new byte[128];
    public int LastIdLength;
    public volatile bool Ready;
    public long ConnectedAt;     // Stopwatch ticks when the current stream became ready
    public int Drops;

    public string? LastEventId => LastIdLength == 0 ? null : System.Text.Encoding.UTF8.GetString(LastId, 0, LastIdLength);

    public bool Received(Phase phase, long seq)
    {
        var bits = Bits;
        if (!ReferenceEquals(BitsPhase, phase) || bits is null) return false;
        var k = (int)(seq - phase.SeqStart);
        return (bits[k >> 6] & (1UL << (k & 63))) != 0;
    }

    public abstract Task StartAsync(CancellationToken ct);
    public abstract void Close(bool abort);
    public abstract void Pause();
    public abstract void Resume();
}
