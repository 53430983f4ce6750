using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Jobs;
using Mediator;

namespace Beacon.Application.Jobs.Commands.StartJob;

/// <summary>Starts a background job owned by the caller: <c>POST /api/jobs</c>.</summary>
/// <param name="Type"><c>import</c> or <c>report</c>.</param>
/// <param name="Items">Items to process, 1-10,000 (default 20).</param>
/// <param name="DelayMs">Pause per item in milliseconds, 0-10,000 (default 100).</param>
/// <param name="FailAtItem">Fail on purpose at this item (1..items), to see a failure; null for none.</param>
public sealed record StartJobCommand(string? Type, int? Items = null, int? DelayMs = null, int? FailAtItem = null) : ICommand<JobDto>;

/// <summary>Handles <see cref="StartJobCommand"/>: stores the job, then queues it.</summary>
public sealed class StartJobHandler(IApplicationDbContext db, IUser user, IJobScheduler scheduler, TimeProvider clock) : ICommandHandler<StartJobCommand, JobDto>
{
    /// <summary>Items when none are given.</summary>
    public const int DefaultItems = 20;

    /// <summary>Pause per item when none is given.</summary>
    public const int DefaultDelayMs = 100;

    /// <inheritdoc />
    public async ValueTask<JobDto> Handle(StartJobCommand command, CancellationToken cancellationToken)
    {
        var owner = user.RequireId();

        // Checked before storing, not atomically: two starts at the same instant may both pass, which only bounds the
        // count a little looser, not away.
        var active = await db.CountAsync(db.Jobs.Where(j => j.OwnerId == owner && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running)), cancellationToken);
        if (active >= Job.MaxActivePerOwner)
        {
            throw new ConflictException($"You already have {active} jobs queued or running (at most {Job.MaxActivePerOwner}); wait for one to end or cancel it.");
        }

        JobTypes.TryParse(command.Type, out var type);
        var job = Job.Create(owner, type, command.Items ?? DefaultItems, command.DelayMs ?? DefaultDelayMs, command.FailAtItem, clock.GetUtcNow());
        db.Add(job);

        // Stored first, so a worker that starts at once finds the record.
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            job.Queued(scheduler.Enqueue(job.Id, JobDto.Name(job.Type)));
        }
        catch (Exception ex)
        {
            // Not queued means never run: end the record now rather than leave it queued forever.
            job.Fail("The job could not be queued.", clock.GetUtcNow());
            await db.SaveChangesAsync(CancellationToken.None);
            throw new ServiceUnavailableException("The job could not be queued; try again shortly.", TimeSpan.FromSeconds(5), ex);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (ConflictException)
        {
            // A worker picked the job up between the two saves (starting bumps the version the save checks): the job
            // is stored and running, so the caller gets it as accepted. Only the scheduler's id is not recorded, and
            // it is needed to cancel a job still waiting in the queue, which this one no longer is.
        }

        return JobDto.From(job);
    }
}
