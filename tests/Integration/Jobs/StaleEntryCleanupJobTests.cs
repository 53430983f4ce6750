using Beacon.Infrastructure.Jobs;
using Beacon.Infrastructure.Realtime.Cluster;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Jobs;

/// <summary>The <c>stale-entry-cleanup</c> recurring job on an embedded host (Hangfire.InMemory).</summary>
public sealed class StaleEntryCleanupJobTests(JobsHost host) : IClassFixture<JobsHost>
{
    [Fact]
    public async Task The_recurring_job_is_registered_at_startup_with_the_configured_cron()
    {
        var storage = host.Services.GetRequiredService<JobStorage>();
        storage.ShouldBeOfType<InMemoryStorage>();

        var job = await JobTestSupport.WaitForRecurringJobAsync(storage);

        job.Cron.ShouldBe(host.Setting("Jobs:StaleCleanupCron"));
        job.TimeZoneId.ShouldBe("UTC");
        job.Job.Type.ShouldBe(typeof(StaleEntryCleanupJob));
        job.Job.Method.Name.ShouldBe(nameof(StaleEntryCleanupJob.RunAsync));
    }

    [Fact]
    public async Task Calling_the_job_directly_returns_an_empty_report_on_a_clean_registry()
    {
        using var scope = host.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<StaleEntryCleanupJob>();
        using var timeout = new CancellationTokenSource(EventCollector.DefaultTimeout);

        var report = await job.RunAsync(timeout.Token);

        report.ShouldBe(new CleanupReport(0, 0, 0));
    }

    [Fact]
    public async Task Triggering_the_recurring_job_runs_it_on_the_hangfire_server_and_keeps_the_report()
    {
        var storage = host.Services.GetRequiredService<JobStorage>();
        await JobTestSupport.WaitForRecurringJobAsync(storage);
        var manager = (IRecurringJobManagerV2)host.Services.GetRequiredService<IRecurringJobManager>();

        var jobId = manager.TriggerJob(StaleEntryCleanupJob.RecurringJobId);

        var result = await JobTestSupport.WaitForSucceededResultAsync(storage, jobId);
        result.ShouldContain("\"NodesRemoved\":0");
        result.ShouldContain("\"ConnectionsRemoved\":0");
    }
}

/// <summary>Waits on Hangfire's storage with deadlines.</summary>
internal static class JobTestSupport
{
    public static async Task<RecurringJobDto> WaitForRecurringJobAsync(JobStorage storage, string id = StaleEntryCleanupJob.RecurringJobId)
    {
        RecurringJobDto? job = null;
        var found = await Eventually.TrueAsync(() =>
        {
            using var connection = storage.GetConnection();
            job = connection.GetRecurringJobs().SingleOrDefault(j => j.Id == id);
            return Task.FromResult(job is not null);
        });
        found.ShouldBeTrue($"'{id}' was never registered in {storage}");
        job!.LoadException.ShouldBeNull();
        return job;
    }

    /// <summary>The serialized return value of a job once it has succeeded; fails if it fails or the deadline passes.</summary>
    public static async Task<string> WaitForSucceededResultAsync(JobStorage storage, string jobId)
    {
        var monitoring = storage.GetMonitoringApi();
        string? state = null;
        var done = await Eventually.TrueAsync(() =>
        {
            state = monitoring.JobDetails(jobId)?.History.FirstOrDefault()?.StateName;
            return Task.FromResult(state == SucceededState.StateName || state == FailedState.StateName);
        });
        var latest = monitoring.JobDetails(jobId)?.History.FirstOrDefault();
        done.ShouldBeTrue($"job {jobId} did not finish; its state is {state ?? "(none)"}");
        state.ShouldBe(SucceededState.StateName, latest is null ? null : string.Join("; ", latest.Data.Select(p => $"{p.Key}={p.Value}")));
        return latest!.Data["Result"];
    }
}
