namespace Beacon.IntegrationTests.BackgroundJobs;

/// <summary>The jobs module on the embedded default (SQLite, in-memory Hangfire).</summary>
public sealed class SqliteJobsSmokeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task A_job_runs_to_completion_on_sqlite()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.StreamOfAsync(alice);

        var id = (await host.StartJobAsync(alice, new { type = "import", items = 4, delayMs = 20 })).GetProperty("id").GetGuid();

        (await stream.WaitForCompletionAsync(id)).Str("status").ShouldBe("succeeded");
        stream.ProgressOf(id).Select(e => e.Int("percent")).ShouldBeInOrder(SortDirection.Ascending);
        (await (await host.GetJobAsync(alice, id)).JsonAsync()).GetProperty("status").GetString().ShouldBe("succeeded");
    }
}
