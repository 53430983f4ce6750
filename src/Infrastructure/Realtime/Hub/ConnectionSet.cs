namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// A set of connections changed under the registry's lock and read without one as an array snapshot. The
/// snapshot is built lazily, on the first read after a change, so a burst of N connects or disconnects (a
/// reconnect storm, a node shutting down) costs O(N) instead of copying the whole array on every change, and
/// the fan-out path pays at most one copy per event that follows a change.
/// </summary>
internal sealed class ConnectionSet(Lock gate)
{
    private readonly HashSet<SseConnection> _members = [];
    private SseConnection[]? _snapshot = [];

    /// <summary>Members now; call only while holding the registry's lock.</summary>
    public int Count => _members.Count;

    /// <summary>Adds a member; call only while holding the registry's lock.</summary>
    public void Add(SseConnection connection)
    {
        if (_members.Add(connection))
        {
            Volatile.Write(ref _snapshot, null);
        }
    }

    /// <summary>Removes a member; call only while holding the registry's lock.</summary>
    public void Remove(SseConnection connection)
    {
        if (_members.Remove(connection))
        {
            Volatile.Write(ref _snapshot, null);
        }
    }

    /// <summary>An immutable array of the members, shared until the next change.</summary>
    public SseConnection[] Snapshot()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null)
        {
            return snapshot;
        }

        lock (gate)
        {
            snapshot = _snapshot ?? [.. _members];
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
    }
}
