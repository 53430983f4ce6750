using Beacon.IntegrationTests.Jobs;

namespace Beacon.IntegrationTests.Analytics;

/// <summary>Page views are logged as structured entries for later analysis, with the visitor hashed.</summary>
public sealed class PageViewLogTests(JobsHost host) : IClassFixture<JobsHost>
{
    [Fact]
    public async Task A_view_is_logged_with_its_fields_and_no_raw_visitor_id()
    {
        var path = "/" + Unique.Id("logged");
        var visitor = Unique.Id("visitor");

        await host.ViewAsync(path, visitor, referrer: "https://ref.example/");

        var found = await Eventually.TrueAsync(() => Task.FromResult(host.LogLines.Any(l => l.Contains(path))));
        found.ShouldBeTrue("no log line for the view");
        var line = host.LogLines.First(l => l.Contains(path));
        line.ShouldContain($"Path={path}");
        line.ShouldContain("Referrer=https://ref.example/");
        line.ShouldContain("VisitorKey=");
        line.ShouldContain("SignedIn=False");
        host.LogLines.ShouldNotContain(l => l.Contains(visitor), "the raw visitor id is never logged");
    }
}
