namespace Beacon.Application.Realtime;

/// <summary>How a job or operation ended, for <c>job_completed</c> events. Serialized in lower case.</summary>
public enum JobOutcome
{
    /// <summary>Succeeded.</summary>
    Succeeded,

    /// <summary>Failed.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}
