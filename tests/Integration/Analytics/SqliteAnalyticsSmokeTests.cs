using System.Net;
using Beacon.IntegrationTests.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Analytics;

/// <summary>Live analytics on the embedded default (SQLite, in-memory counters).</summary>
public sealed class SqliteAnalyticsSmokeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Views_are_stored_counted_and_broadcast_on_sqlite()
    {
        await using var dashboard = await host.WatchAnalyticsAsync();
        var before = (await host.LiveAsync()).GetProperty("visitors").GetInt64();
        var visitor = Unique.Id("v");

        await host.ViewAsync("/home", visitor);
        await host.ViewAsync("/home", visitor);

        await dashboard.WaitForVisitorsAsync(before + 1);
        var live = await host.LiveAsync();
        live.GetProperty("topPaths")[0].GetProperty("path").GetString().ShouldBe("/home");
        (await host.WithDbAsync(db => db.PageViews.CountAsync(v => v.Path == "/home"))).ShouldBe(2);
    }

    [Fact]
    public async Task An_invalid_view_stores_nothing_on_sqlite()
    {
        var path = "/" + Unique.Id("never");

        using var response = await host.PostPageViewAsync(new { path = path + "\u0001" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await host.WithDbAsync(db => db.PageViews.CountAsync(v => v.Path.StartsWith(path)))).ShouldBe(0);
    }
}

/// <summary>An embedded host with a tight page-view limit.</summary>
public sealed class PageViewLimitedHost() : BeaconHost(("RateLimiting:PageViews:PermitLimit", "3"), ("RateLimiting:PageViews:WindowSeconds", "600"));

/// <summary><c>RateLimiting:PageViews</c>: anonymous page views are limited per client address.</summary>
public sealed class PageViewRateLimitTests(PageViewLimitedHost host) : IClassFixture<PageViewLimitedHost>
{
    [Fact]
    public async Task The_view_over_the_limit_is_a_429_problem_and_is_not_stored()
    {
        var path = "/" + Unique.Id("limited");
        for (var i = 0; i < 3; i++)
        {
            await host.ViewAsync(path, Unique.Id("v"));
        }

        using var refused = await host.PostPageViewAsync(new { path, visitorId = Unique.Id("v") });

        (await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("page-views");
        refused.Headers.Contains("Retry-After").ShouldBeTrue();
        (await host.WithDbAsync(db => db.PageViews.CountAsync(v => v.Path == path))).ShouldBe(3);
    }
}
