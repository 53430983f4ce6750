namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>
/// A writer's position in the event order, shared by the SSE and WebSocket writers: a frame with a sequence at or
/// before the last one sent was already sent by the replay and is skipped; control frames (no sequence) always go.
/// Counts what a batch wrote for <see cref="RealtimeCounters.EventsWritten"/>.
/// </summary>
internal struct DeliveryCursor(long lastSent)
{
    /// <summary>The last sequence sent.</summary>
    public long LastSent = lastSent;

    /// <summary>Events accepted since <see cref="StartBatch"/>.</summary>
    public int Written;

    /// <summary>When the oldest of them was published.</summary>
    public DateTimeOffset? Oldest;

    /// <summary>Starts counting a new batch.</summary>
    public void StartBatch() => (Written, Oldest) = (0, null);

    /// <summary>Whether <paramref name="frame"/> is to be written; an accepted event moves the position past it.</summary>
    public bool Accept(EncodedEvent frame)
    {
        if (frame.Sequence == 0)
        {
            return true;
        }

        if (frame.Sequence <= LastSent)
        {
            return false;
        }

        LastSent = frame.Sequence;
        Oldest ??= frame.PublishedAt;
        Written++;
        return true;
    }
}
