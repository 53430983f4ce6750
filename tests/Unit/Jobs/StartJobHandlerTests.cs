using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Jobs.Commands.StartJob;
using Beacon.Domain.Jobs;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Beacon.UnitTests.Jobs;

public sealed class StartJobHandlerTests
{
    [Fact]
    public async Task A_worker_that_starts_the_job_before_its_scheduler_id_is_saved_does_not_fail_the_request()
    {
        // The race CI met: the scheduler runs the job at once, the worker's start bumps the version, and the
        // handler's second save (the scheduler's id) loses on the concurrency token. The job was stored and runs.
        var db = Substitute.For<IApplicationDbContext>();
        db.SaveChangesAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult(1), Task.FromException<int>(new ConflictException("changed")));
        var user = Substitute.For<IUser>();
        user.Id.Returns("alice");
        var scheduler = Substitute.For<IJobScheduler>();
        scheduler.Enqueue(Arg.Any<Guid>(), Arg.Any<string>()).Returns("hf-1");
        var handler = new StartJobHandler(db, user, scheduler, TimeProvider.System);

        var job = await handler.Handle(new StartJobCommand("import", 5, 0), CancellationToken.None);

        job.Status.ShouldBe("queued");
        db.Received(1).Add(Arg.Is<Job>(j => j.OwnerId == "alice"));
        scheduler.Received(1).Enqueue(Arg.Any<Guid>(), Arg.Any<string>());
        await db.Received(2).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_scheduler_id_is_saved_with_the_job_when_no_worker_started_it_first()
    {
        var db = Substitute.For<IApplicationDbContext>();
        Job? stored = null;
        db.When(d => d.Add(Arg.Any<Job>())).Do(call => stored = call.Arg<Job>());
        string? idAtSecondSave = null;
        var saves = 0;
        db.SaveChangesAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (++saves == 2)
            {
                idAtSecondSave = stored!.HangfireJobId;
            }

            return Task.FromResult(1);
        });
        var user = Substitute.For<IUser>();
        user.Id.Returns("alice");
        var scheduler = Substitute.For<IJobScheduler>();
        scheduler.Enqueue(Arg.Any<Guid>(), Arg.Any<string>()).Returns("hf-7");

        await new StartJobHandler(db, user, scheduler, TimeProvider.System).Handle(new StartJobCommand("report", 2, 0), CancellationToken.None);

        saves.ShouldBe(2);
        idAtSecondSave.ShouldBe("hf-7", "the second save stores the scheduler's id, which cancelling a queued job needs");
    }

    [Fact]
    public async Task A_conflict_on_the_first_save_still_fails_and_queues_nothing()
    {
        var db = Substitute.For<IApplicationDbContext>();
        db.SaveChangesAsync(Arg.Any<CancellationToken>()).Throws(new ConflictException("changed"));
        var user = Substitute.For<IUser>();
        user.Id.Returns("alice");
        var scheduler = Substitute.For<IJobScheduler>();
        var handler = new StartJobHandler(db, user, scheduler, TimeProvider.System);

        await Should.ThrowAsync<ConflictException>(async () => await handler.Handle(new StartJobCommand("import", 5, 0), CancellationToken.None));
        scheduler.DidNotReceiveWithAnyArgs().Enqueue(default, default!);
    }
}
