using System.Net;
using Beacon.Infrastructure.Jobs;
using Beacon.IntegrationTests.Notifications;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.BackgroundJobs;

/// <summary>
/// <c>/api/jobs</c> on PostgreSQL with a real Hangfire worker: progress and completion reach the owner's
/// streams only, failures and cancellation end the job, and other users' jobs do not exist for them.
/// </summary>
public sealed class JobsApiTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{}""", "type" },
        { """{"type":"export"}""", "type" },
        { """{"type":"1"}""", "type" },
        { """{"type":"import","items":0}""", "items" },
        { """{"type":"import","items":10001}""", "items" },
        { """{"type":"import","delayMs":-1}""", "delayMs" },
        { """{"type":"import","delayMs":10001}""", "delayMs" },
        { """{"type":"import","items":5,"failAtItem":6}""", "failAtItem" },
        { """{"type":"import","failAtItem":0}""", "failAtItem" },
        { """{"type":"import","items":10000,"delayMs":361}""", "delayMs" },
    };

    public Task InitializeAsync() => host.ResetDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_job_run_to_completion_delivers_monotonic_progress_then_job_completed_to_its_owner_only()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await using var aliceStream = await host.StreamOfAsync(alice);
        await using var bobStream = await host.StreamOfAsync(bob);

        var started = await host.StartJobAsync(alice, new { type = "import", items = 12, delayMs = 60 });
        var id = started.GetProperty("id").GetGuid();
        started.GetProperty("status").GetString().ShouldBe("queued");
        started.GetProperty("type").GetString().ShouldBe("import");

        var completed = await aliceStream.WaitForCompletionAsync(id);
        completed.Str("status").ShouldBe("succeeded");
        completed.Json.GetProperty("result").GetProperty("imported").GetInt32().ShouldBe(12);
        completed.Json.GetProperty("error").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);

        var progress = aliceStream.ProgressOf(id);
        var percents = progress.Select(e => e.Int("percent")).ToArray();
        percents.ShouldNotBeEmpty();
        percents.ShouldBeInOrder(SortDirection.Ascending, "progress never goes backwards");
        percents[^1].ShouldBe(100);
        aliceStream.Events.All.ToList().FindLastIndex(e => e.Type == "job_progress").ShouldBeLessThan(aliceStream.Events.All.ToList().IndexOf(completed), "completion comes last");

        // At most one progress event per 250 ms of the run, plus the first and the final 100 %.
        var job = await (await host.GetJobAsync(alice, id)).JsonAsync();
        var runMs = (job.GetProperty("completedAt").GetDateTimeOffset() - job.GetProperty("startedAt").GetDateTimeOffset()).TotalMilliseconds;
        progress.Length.ShouldBeLessThanOrEqualTo((int)(runMs / 250) + 3, $"{progress.Length} events over {runMs:0} ms");

        // Bob's own event is the sentinel: had any of alice's job events been sent to bob, they would be before it.
        await host.PublishAsync("notification", new { marker = "bob" }, new { users = new[] { bob } });
        await bobStream.Events.WaitForEventAsync("notification");
        bobStream.Events.All.ShouldNotContain(e => e.Type.StartsWith("job_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_record_persists_and_reads_back_for_the_owner_only()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await using var stream = await host.StreamOfAsync(alice);
        var first = (await host.StartJobAsync(alice, new { type = "report", items = 2, delayMs = 0 })).GetProperty("id").GetGuid();
        await stream.WaitForCompletionAsync(first);
        var second = (await host.StartJobAsync(alice, new { type = "import", items = 1, delayMs = 0 })).GetProperty("id").GetGuid();
        await stream.WaitForCompletionAsync(second);

        var job = await (await host.GetJobAsync(alice, first)).JsonAsync();
        job.GetProperty("status").GetString().ShouldBe("succeeded");
        job.GetProperty("percent").GetInt32().ShouldBe(100);
        job.GetProperty("result").GetProperty("rows").GetInt32().ShouldBe(2);
        job.GetProperty("result").GetProperty("url").GetString().ShouldBe($"/api/jobs/{first}");

        var list = await host.AsUserAsync(alice, HttpMethod.Get, "api/jobs?pageSize=1");
        list.GetProperty("totalCount").GetInt32().ShouldBe(2);
        list.GetProperty("items")[0].GetProperty("id").GetGuid().ShouldBe(second, "newest first");
        (await host.AsUserAsync(bob, HttpMethod.Get, "api/jobs")).GetProperty("totalCount").GetInt32().ShouldBe(0);

        using var others = await host.GetJobAsync(bob, first);
        await others.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var unknown = await host.GetJobAsync(alice, Guid.NewGuid());
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var cancelOthers = await host.SendAsync(HttpMethod.Post, $"api/jobs/{first}/cancel", await host.TokenAsync(bob, "user"));
        await cancelOthers.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // The scheduler's id is not asserted here: a worker that starts the job between the handler's two saves wins
        // the row, and the id is then not recorded (StartJobHandler; StartJobHandlerTests covers both paths).
        var stored = await host.WithDbAsync(db => db.Jobs.SingleAsync(j => j.Id == first));
        stored.OwnerId.ShouldBe(alice);
    }

    [Fact]
    public async Task A_failing_item_ends_the_job_as_failed_with_its_error()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.StreamOfAsync(alice);

        var id = (await host.StartJobAsync(alice, new { type = "import", items = 5, delayMs = 10, failAtItem = 3 })).GetProperty("id").GetGuid();

        var completed = await stream.WaitForCompletionAsync(id);
        completed.Str("status").ShouldBe("failed");
        completed.Str("error").ShouldBe("Item 3 of 5 could not be processed.");
        completed.Int("percent").ShouldBe(40, "two of five items were done");
        completed.Json.GetProperty("result").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        var job = await (await host.GetJobAsync(alice, id)).JsonAsync();
        job.GetProperty("status").GetString().ShouldBe("failed");
        job.GetProperty("percent").GetInt32().ShouldBe(40);
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_it_and_a_second_cancel_is_a_conflict()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.StreamOfAsync(alice);
        var id = (await host.StartJobAsync(alice, new { type = "import", items = 200, delayMs = 100 })).GetProperty("id").GetGuid();
        await stream.Events.WaitForEventAsync("job_progress", e => e.Str("jobId") == id.ToString() && e.Int("percent") > 0, TimeSpan.FromSeconds(30));

        var cancelled = await host.AsUserAsync(alice, HttpMethod.Post, $"api/jobs/{id}/cancel", HttpStatusCode.Accepted);
        cancelled.GetProperty("id").GetGuid().ShouldBe(id);

        var completed = await stream.WaitForCompletionAsync(id);
        completed.Str("status").ShouldBe("cancelled");
        var job = await (await host.GetJobAsync(alice, id)).JsonAsync();
        job.GetProperty("status").GetString().ShouldBe("cancelled");
        job.GetProperty("percent").GetInt32().ShouldBeLessThan(100);
        using var again = await host.SendAsync(HttpMethod.Post, $"api/jobs/{id}/cancel", await host.TokenAsync(alice, "user"));
        (await again.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("cancelled");
        stream.Events.OfType("job_completed").Count(e => e.Str("jobId") == id.ToString()).ShouldBe(1);
    }

    [Fact]
    public async Task A_user_has_at_most_three_jobs_queued_or_running_and_a_fourth_is_a_conflict_that_stores_nothing()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await using var stream = await host.StreamOfAsync(alice);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await host.StartJobAsync(alice, new { type = "import", items = 600, delayMs = 100 })).GetProperty("id").GetGuid());
        }

        try
        {
            using var fourth = await host.SendAsync(HttpMethod.Post, "api/jobs", await host.TokenAsync(alice, "user"), new { type = "import", items = 1, delayMs = 0 });
            (await fourth.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("at most 3");
            (await host.WithDbAsync(db => db.Jobs.CountAsync(j => j.OwnerId == alice))).ShouldBe(3);

            // Another user's budget is their own, and an ended job frees a place.
            await host.StartJobAsync(bob, new { type = "report", items = 1, delayMs = 0 });
            await host.AsUserAsync(alice, HttpMethod.Post, $"api/jobs/{ids[0]}/cancel", HttpStatusCode.Accepted);
            await stream.WaitForCompletionAsync(ids[0]);
            ids.Add((await host.StartJobAsync(alice, new { type = "import", items = 1, delayMs = 0 })).GetProperty("id").GetGuid());
        }
        finally
        {
            // The node's two workers are shared with the next tests: end what is still queued or running.
            foreach (var id in ids.Skip(1))
            {
                using var cancel = await host.SendAsync(HttpMethod.Post, $"api/jobs/{id}/cancel", await host.TokenAsync(alice, "user"));
            }

            foreach (var id in ids.Skip(1))
            {
                await stream.WaitForCompletionAsync(id);
            }
        }
    }

    [Fact]
    public async Task The_hangfire_dashboard_storage_shows_the_run_under_a_readable_name()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.StreamOfAsync(alice);
        var id = (await host.StartJobAsync(alice, new { type = "report", items = 1, delayMs = 0 })).GetProperty("id").GetGuid();
        await stream.WaitForCompletionAsync(id);
        // Found through Hangfire rather than the job's record, whose copy of the id a worker that starts at once can
        // beat (StartJobHandler). The job publishes its completion from inside the run; Hangfire records Succeeded
        // only once the run returns.
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        string? hangfireId = null;
        (await Eventually.TrueAsync(() => Task.FromResult((hangfireId = SucceededRunOf(monitoring, id)) is not null)))
            .ShouldBeTrue("Hangfire recorded the run as Succeeded");
        var details = monitoring.JobDetails(hangfireId);

        details.ShouldNotBeNull();
        details.Job.Type.ShouldBe(typeof(JobRunner));
        details.Job.Args.ShouldContain(id);
        details.History.Select(h => h.StateName).ShouldContain("Succeeded");
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_requests_are_refused_and_nothing_is_stored_or_queued(string body, string field)
    {
        var alice = Unique.Id("alice");

        using var response = await host.SendAsync(HttpMethod.Post, "api/jobs", await host.TokenAsync(alice, "user"), rawBody: body);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
        (await host.WithDbAsync(db => db.Jobs.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Jobs_need_a_signed_in_user_with_a_beacon_role()
    {
        using var anonymous = await host.SendAsync(HttpMethod.Post, "api/jobs", "", new { type = "import" });
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        using var noRole = await host.SendAsync(HttpMethod.Get, "api/jobs", await host.TokenAsync(Unique.Id("nobody")));
        await noRole.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await host.WithDbAsync(db => db.Jobs.CountAsync())).ShouldBe(0);
    }

    /// <summary>The id of Hangfire's run of job <paramref name="jobId"/>, once Hangfire has recorded it as succeeded.</summary>
    private static string? SucceededRunOf(Hangfire.Storage.IMonitoringApi monitoring, Guid jobId) =>
        monitoring.SucceededJobs(0, 1000).FirstOrDefault(j => j.Value.Job?.Args.Contains(jobId) == true).Key;
}
