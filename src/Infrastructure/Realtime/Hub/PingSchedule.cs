namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// Spreads pings over the ping interval. The interval is cut into one slot per heartbeat tick, every connection
/// belongs to one slot (<see cref="SseConnection.PingPhase"/>), and each tick pings only the slots that came due.
/// Every connection still gets a ping exactly once per interval, but a node never writes to all its
/// connections at once: pinging 10,000 streams in one pass left ~3,000 writes waiting for Kestrel's send
/// threads, each holding a 4 KB block that Kestrel's memory pool then kept (12 MB, evicted at 1% per 10 s),
/// and stalled real events behind the burst.
/// </summary>
internal sealed class PingSchedule
{
    private readonly long _tickMs;
    private long _lastTick;

    /// <param name="intervalMs">How often each connection is pinged.</param>
    /// <param name="tickMs">How often the heartbeat runs; the interval gets one slot per tick.</param>
    /// <param name="nowMs">A monotonic clock reading (<see cref="Environment.TickCount64"/>) at start.</param>
    public PingSchedule(long intervalMs, long tickMs, long nowMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tickMs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalMs, tickMs);
        _tickMs = tickMs;
        Slots = (int)(intervalMs / tickMs);
        _lastTick = nowMs / tickMs;
    }

    /// <summary>How many slots the interval is cut into.</summary>
    public int Slots { get; }

    /// <summary>
    /// The slots that came due since the last call. A late tick (a loaded machine) catches up on every slot it
    /// missed, up to a whole interval, so no connection waits longer than one interval plus the delay.
    /// </summary>
    public DueSlots Advance(long nowMs)
    {
        var tick = nowMs / _tickMs;
        var elapsed = tick - _lastTick;
        if (elapsed <= 0)
        {
            return default;
        }

        var first = (int)((_lastTick + 1) % Slots);
        _lastTick = tick;
        return new DueSlots(first, (int)Math.Min(elapsed, Slots), Slots);
    }
}

/// <summary>A run of <see cref="Count"/> consecutive slots starting at <see cref="First"/>, wrapping at <see cref="Slots"/>.</summary>
internal readonly record struct DueSlots(int First, int Count, int Slots)
{
    /// <summary>Whether the connection with this phase is due.</summary>
    public bool Includes(uint phase) => Count > 0 && (int)((phase % (uint)Slots + (uint)(Slots - First)) % (uint)Slots) < Count;

    /// <summary>Whether a whole interval has turned over (slot 0 is due): the time for once-per-interval work.</summary>
    public bool StartsInterval => Includes(0);
}
