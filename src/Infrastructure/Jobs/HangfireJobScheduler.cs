using Beacon.Application.Common.Interfaces;
using Hangfire;

namespace Beacon.Infrastructure.Jobs;

/// <summary>Runs jobs as Hangfire background jobs (<see cref="JobRunner"/>), visible on the dashboard.</summary>
internal sealed class HangfireJobScheduler(IBackgroundJobClient client) : IJobScheduler
{
    // Hangfire replaces the token with the run's own (cancelled on delete and on shutdown).
    public string Enqueue(Guid jobId, string description) =>
        client.Enqueue<JobRunner>(runner => runner.RunAsync(description, jobId, CancellationToken.None));

    public void Cancel(string schedulerJobId) => client.Delete(schedulerJobId);
}
