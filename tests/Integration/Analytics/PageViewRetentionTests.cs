using Beacon.Domain.Analytics;
using Beacon.Infrastructure.Analytics;
using Beacon.IntegrationTests.Jobs;
using Beacon.IntegrationTests.Notifications;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Analytics;

/// <summary>The <c>page-view-retention</c> job on PostgreSQL: views older than the retention go, newer ones stay.</summary>
public sealed class PageViewRetentionTests(PostgresHost host) : IClassFixture<PostgresHost>
{
    [Fact]
    public Task Views_older_than_the_retention_are_deleted_on_postgres() => PageViewRetention.DeletesOnlyExpiredViewsAsync(host);
}

/// <summary>The same on the embedded default (SQLite, where times are stored as numbers to be comparable).</summary>
public sealed class SqlitePageViewRetentionTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public Task Views_older_than_the_retention_are_deleted_on_sqlite() => PageViewRetention.DeletesOnlyExpiredViewsAsync(host);
}

/// <summary>An embedded host that keeps page views for ever.</summary>
public sealed class KeepPageViewsHost() : BeaconHost(("Analytics:PageViewRetentionDays", "0"), ("Jobs:PageViewRetentionCron", ""));

public sealed class PageViewRetentionSettingsTests(KeepPageViewsHost host) : IClassFixture<KeepPageViewsHost>
{
    [Fact]
    public async Task Without_a_schedule_the_job_is_not_registered_and_a_run_keeps_everything()
    {
        var storage = host.Services.GetRequiredService<JobStorage>();
        await JobTestSupport.WaitForRecurringJobAsync(storage);
        using (var connection = storage.GetConnection())
        {
            connection.GetRecurringJobs().ShouldNotContain(j => j.Id == PageViewRetentionJob.RecurringJobId);
        }

        var path = "/" + Unique.Id("kept");
        await PageViewRetention.StoreAsync(host, path, DateTimeOffset.UtcNow.AddYears(-5));
        await using var scope = host.Services.CreateAsyncScope();

        (await scope.ServiceProvider.GetRequiredService<PageViewRetentionJob>().RunAsync(CancellationToken.None)).ShouldBe(0);
        (await host.WithDbAsync(db => db.PageViews.CountAsync(v => v.Path == path))).ShouldBe(1);
    }
}

internal static class PageViewRetention
{
    /// <summary>Stores views 91 and 89 days old and one from now, runs the job through Hangfire, and checks only the first went.</summary>
    public static async Task DeletesOnlyExpiredViewsAsync(BeaconHost host)
    {
        var path = "/" + Unique.Id("retention");
        var now = DateTimeOffset.UtcNow;
        await StoreAsync(host, path, now.AddDays(-91), now.AddDays(-89), now);
        var storage = host.Services.GetRequiredService<JobStorage>();
        await JobTestSupport.WaitForRecurringJobAsync(storage, PageViewRetentionJob.RecurringJobId);
        var manager = (IRecurringJobManagerV2)host.Services.GetRequiredService<IRecurringJobManager>();

        var jobId = manager.TriggerJob(PageViewRetentionJob.RecurringJobId);

        // The count is not checked: the hourly schedule may have run first and deleted the old view itself.
        int.Parse(await JobTestSupport.WaitForSucceededResultAsync(storage, jobId)).ShouldBeGreaterThanOrEqualTo(0);
        var left = await host.WithDbAsync(db => db.PageViews.Where(v => v.Path == path).Select(v => v.ViewedAt).ToListAsync());
        left.Count.ShouldBe(2, "the views 89 days old and from now stay (the default retention is 90 days)");
        left.ShouldAllBe(at => at > now.AddDays(-90));
    }

    public static Task StoreAsync(BeaconHost host, string path, params DateTimeOffset[] times) =>
        host.WithDbAsync(async db =>
        {
            foreach (var at in times)
            {
                db.PageViews.Add(PageView.Record(path, null, Guid.NewGuid().ToString("N"), null, at));
            }

            return await db.SaveChangesAsync();
        });
}
