namespace Beacon.Application.Common.Interfaces;

/// <summary>Hands jobs to the background-job system (Hangfire), which runs <c>RunJobCommand</c> on some node's worker.</summary>
public interface IJobScheduler
{
    /// <summary>Queues a run of the job; returns the scheduler's id for it.</summary>
    /// <param name="jobId">The job record's id.</param>
    /// <param name="description">A short label for dashboards (e.g. the job's type).</param>
    string Enqueue(Guid jobId, string description);

    /// <summary>Asks the scheduler to stop a run; the worker also stops on the record's cancel flag.</summary>
    void Cancel(string schedulerJobId);
}
