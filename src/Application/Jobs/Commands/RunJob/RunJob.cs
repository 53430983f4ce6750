using System.Text.Json;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Jobs;
using Mediator;

namespace Beacon.Application.Jobs.Commands.RunJob;

/// <summary>
/// The work of a job, run by a background worker (Hangfire) on some node: process the items one by one,
/// reporting progress, until done, failed or cancelled.
/// </summary>
/// <param name="JobId">The job record.</param>
public sealed record RunJobCommand(Guid JobId) : ICommand<JobStatus?>;

/// <summary>
/// Handles <see cref="RunJobCommand"/>. Idempotent: a job that already ended is left alone, and a job found
/// running (a retried run) starts over without its progress going backwards. Returns the final status, or null
/// when there was nothing to run.
/// </summary>
public sealed class RunJobHandler(IApplicationDbContext db, IJobProgress progress, TimeProvider clock) : ICommandHandler<RunJobCommand, JobStatus?>
{
    // Progress is saved (and the cancel flag re-read) at most this often: cheap for fast items, prompt for slow ones.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public async ValueTask<JobStatus?> Handle(RunJobCommand command, CancellationToken cancellationToken)
    {
        var job = await db.FirstOrDefaultAsync(db.Jobs.Where(j => j.Id == command.JobId), cancellationToken);
        if (job is null || !job.Start(clock.GetUtcNow()))
        {
            return null;
        }

        await db.SaveChangesAsync(cancellationToken);
        await progress.ReportAsync(job.Id, job.OwnerId, job.Percent, "Started", cancellationToken);
        var lastCheck = clock.GetTimestamp();
        try
        {
            for (var item = 1; item <= job.Items; item++)
            {
                if (clock.GetElapsedTime(lastCheck) >= CheckInterval)
                {
                    lastCheck = clock.GetTimestamp();
                    if (await CancelRequestedAsync(job.Id, cancellationToken))
                    {
                        return await EndAsync(job, j => j.Cancelled(clock.GetUtcNow()));
                    }

                    await db.SaveChangesAsync(cancellationToken);
                }

                if (job.FailAtItem == item)
                {
                    return await EndAsync(job, j => j.Fail($"Item {item} of {job.Items} could not be processed.", clock.GetUtcNow()));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(job.DelayMs), clock, cancellationToken);
                job.Progress(item * 100 / job.Items, $"Processed {item} of {job.Items} items");
                await progress.ReportAsync(job.Id, job.OwnerId, job.Percent, job.Message, cancellationToken);
            }

            if (await CancelRequestedAsync(job.Id, cancellationToken))
            {
                return await EndAsync(job, j => j.Cancelled(clock.GetUtcNow()));
            }

            return await EndAsync(job, j => j.Succeed(ResultOf(j), clock.GetUtcNow()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The scheduler stopped the run: either the owner cancelled it, or the node is shutting down, in
            // which case the run is left to be retried.
            if (await CancelRequestedAsync(job.Id, CancellationToken.None))
            {
                return await EndAsync(job, j => j.Cancelled(clock.GetUtcNow()));
            }

            throw;
        }
    }

    private async Task<bool> CancelRequestedAsync(Guid jobId, CancellationToken cancellationToken) =>
        await db.FirstOrDefaultAsync(db.Jobs.Where(j => j.Id == jobId).Select(j => j.CancelRequested), cancellationToken);

    private async Task<JobStatus> EndAsync(Job job, Action<Job> end)
    {
        end(job);

        // Not the run's token: once ended, the record must be saved even while the node stops.
        await db.SaveChangesAsync(CancellationToken.None);
        return job.Status;
    }

    private static string ResultOf(Job job) => job.Type switch
    {
        JobType.Import => JsonSerializer.Serialize(new { imported = job.Items }),
        _ => JsonSerializer.Serialize(new { rows = job.Items, url = $"/api/jobs/{job.Id}" }),
    };
}
