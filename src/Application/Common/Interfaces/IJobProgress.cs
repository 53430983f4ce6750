namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Where a running job reports progress. The implementation sends <c>job_progress</c> to the job's owner at
/// most every 250 ms per job (a report arriving sooner is held and sent when the interval ends, unless a
/// newer one replaces it), and always sends 100 %. Reporting never waits on clients.
/// </summary>
public interface IJobProgress
{
    /// <summary>Reports that job <paramref name="jobId"/> of <paramref name="ownerId"/> is at <paramref name="percent"/>.</summary>
    ValueTask ReportAsync(Guid jobId, string ownerId, int percent, string? message, CancellationToken cancellationToken = default);

    /// <summary>Drops anything still held for the job; called when it ends, before <c>job_completed</c>.</summary>
    ValueTask CompleteAsync(Guid jobId, CancellationToken cancellationToken = default);
}
