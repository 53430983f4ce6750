using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Jobs.Commands.CancelJob;

/// <summary>Cancels one of the caller's jobs: <c>POST /api/jobs/{id}/cancel</c>.</summary>
/// <param name="Id">The job.</param>
public sealed record CancelJobCommand(Guid Id) : ICommand<JobDto>;

/// <summary>
/// Handles <see cref="CancelJobCommand"/>. A queued job ends at once; a running one is flagged, and its worker
/// stops before its next item and sends <c>job_completed</c> with <c>cancelled</c>. A finished job is a 409.
/// </summary>
public sealed class CancelJobHandler(IApplicationDbContext db, IUser user, IJobScheduler scheduler, TimeProvider clock) : ICommandHandler<CancelJobCommand, JobDto>
{
    /// <inheritdoc />
    public async ValueTask<JobDto> Handle(CancelJobCommand command, CancellationToken cancellationToken)
    {
        var job = await db.OwnJobAsync(user, command.Id, cancellationToken);
        if (!job.RequestCancel(clock.GetUtcNow()))
        {
            throw new ConflictException($"Job '{job.Id}' already ended as {JobDto.Name(job.Status)}.");
        }

        await db.SaveChangesAsync(cancellationToken);
        if (job.HangfireJobId is { } scheduled)
        {
            scheduler.Cancel(scheduled);
        }

        return JobDto.From(job);
    }
}
