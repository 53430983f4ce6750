using Beacon.Infrastructure.Jobs;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Beacon.IntegrationTests.Jobs;

/// <summary>A PostgreSQL host whose Hangfire storage is PostgreSQL too (<c>Jobs:Storage=Postgres</c>).</summary>
public sealed class PostgresJobsHost() : PostgresHost(("Jobs:Storage", "Postgres"), ("Jobs:PostgresQueuePollMilliseconds", "200"));

/// <summary>Hangfire on PostgreSQL: the schema is created on start, and jobs run and are kept there.</summary>
public sealed class PostgresJobsTests(PostgresJobsHost host) : IClassFixture<PostgresJobsHost>
{
    [Fact]
    public async Task A_triggered_run_succeeds_and_is_stored_in_the_hangfire_schema()
    {
        var storage = host.Services.GetRequiredService<JobStorage>();
        storage.ShouldBeOfType<PostgreSqlStorage>();
        await JobTestSupport.WaitForRecurringJobAsync(storage);
        var manager = (IRecurringJobManagerV2)host.Services.GetRequiredService<IRecurringJobManager>();

        var jobId = manager.TriggerJob(StaleEntryCleanupJob.RecurringJobId);

        (await JobTestSupport.WaitForSucceededResultAsync(storage, jobId)).ShouldContain("\"NodesRemoved\"");
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select statename from hangfire.job where id = @id", connection);
        command.Parameters.AddWithValue("id", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture));
        (await command.ExecuteScalarAsync()).ShouldBe("Succeeded");
    }

    [Fact]
    public async Task Readiness_includes_the_postgres_job_storage()
    {
        using var response = await host.Api.GetAsync("health/ready");

        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(body);
    }
}
