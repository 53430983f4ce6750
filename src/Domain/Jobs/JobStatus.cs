namespace Beacon.Domain.Jobs;

/// <summary>Where a job is in its life. <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are final.</summary>
public enum JobStatus
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>A worker is processing it.</summary>
    Running,

    /// <summary>Finished with a result.</summary>
    Succeeded,

    /// <summary>Stopped by an error.</summary>
    Failed,

    /// <summary>Stopped because its owner asked.</summary>
    Cancelled,
}
