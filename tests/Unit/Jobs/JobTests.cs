using Beacon.Domain.Jobs;

namespace Beacon.UnitTests.Jobs;

public sealed class JobTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_job_is_queued_at_zero()
    {
        var job = Job.Create("alice", JobType.Import, 10, 0, null, Now);

        job.Status.ShouldBe(JobStatus.Queued);
        job.Percent.ShouldBe(0);
        job.DomainEvents.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("", 10, 0, null)]
    [InlineData("alice", 0, 0, null)]
    [InlineData("alice", 10_001, 0, null)]
    [InlineData("alice", 10, -1, null)]
    [InlineData("alice", 10, 10_001, null)]
    [InlineData("alice", 10, 0, 0)]
    [InlineData("alice", 10, 0, 11)]
    public void Out_of_range_values_are_refused(string owner, int items, int delay, int? failAt) =>
        Should.Throw<ArgumentException>(() => Job.Create(owner, JobType.Import, items, delay, failAt, Now));

    [Fact]
    public void Progress_never_goes_backwards_and_only_counts_while_running()
    {
        var job = Job.Create("alice", JobType.Report, 10, 0, null, Now);
        job.Progress(50, "too early");
        job.Percent.ShouldBe(0);

        job.Start(Now).ShouldBeTrue();
        job.Progress(40, "a");
        job.Progress(30, "b");

        job.Percent.ShouldBe(40);
        job.Message.ShouldBe("b");
    }

    [Fact]
    public void Ending_raises_one_completion_and_a_second_end_is_refused()
    {
        var job = Job.Create("alice", JobType.Import, 10, 0, null, Now);
        job.Start(Now);

        job.Succeed("""{"imported":10}""", Now);

        job.Percent.ShouldBe(100);
        var done = job.DomainEvents.ShouldHaveSingleItem().ShouldBeOfType<JobCompleted>();
        done.Status.ShouldBe(JobStatus.Succeeded);
        done.OwnerId.ShouldBe("alice");
        Should.Throw<InvalidOperationException>(() => job.Fail("late", Now));
        job.Start(Now).ShouldBeFalse("an ended job is not run again");
        job.RequestCancel(Now).ShouldBeFalse();
    }

    [Fact]
    public void Cancelling_a_queued_job_ends_it_and_a_running_one_is_flagged()
    {
        var queued = Job.Create("alice", JobType.Import, 10, 0, null, Now);
        queued.RequestCancel(Now).ShouldBeTrue();
        queued.Status.ShouldBe(JobStatus.Cancelled);
        queued.DomainEvents.ShouldHaveSingleItem().ShouldBeOfType<JobCompleted>().Status.ShouldBe(JobStatus.Cancelled);

        var running = Job.Create("alice", JobType.Import, 10, 0, null, Now);
        running.Start(Now);
        var version = running.Version;
        running.RequestCancel(Now).ShouldBeTrue();
        running.Status.ShouldBe(JobStatus.Running);
        running.CancelRequested.ShouldBeTrue();
        running.Version.ShouldBe(version, "the flag is read by the worker; it does not race it");
    }
}
