using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Beacon.Application.Common.Interfaces;
using Beacon.IntegrationTests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Analytics;

/// <summary>
/// Live analytics on PostgreSQL: page views are stored and logged, distinct visitors over the window reach the
/// <c>analytics</c> topic as <c>visitors</c> at most once a second, and the admin snapshot adds them up.
/// </summary>
public sealed class AnalyticsTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"referrer":null}""", "path" },
        { """{"path":""}""", "path" },
        { """{"path":"no-slash"}""", "path" },
        { """{"path":"//evil.example/x"}""", "path" },
        { """{"path":"/a\u0000b"}""", "path" },
        { """{"path":"/{long2049}"}""", "path" },
        { """{"path":"/","referrer":"javascript:alert(1)"}""", "referrer" },
        { """{"path":"/","referrer":"not a url"}""", "referrer" },
        { """{"path":"/","visitorId":""}""", "visitorId" },
        { """{"path":"/","visitorId":"has space"}""", "visitorId" },
        { """{"path":"/","visitorId":"{long65}"}""", "visitorId" },
    };

    public async Task InitializeAsync()
    {
        await host.ResetDatabaseAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Anonymous_views_are_stored_and_distinct_visitors_reach_the_analytics_topic()
    {
        await using var dashboard = await host.WatchAnalyticsAsync();
        var before = (await host.LiveAsync()).GetProperty("visitors").GetInt64();
        var (v1, v2) = (Unique.Id("v"), Unique.Id("v"));

        await host.ViewAsync("/pricing", v1, referrer: "https://search.example/?q=beacon");
        await host.ViewAsync("/docs", v1);
        await host.ViewAsync("/pricing", v2);

        await dashboard.WaitForVisitorsAsync(before + 2);
        var views = await dashboard.Events.WaitForEventAsync("metrics_update", e => e.Str("metric") == "page_views" && e.Json.GetProperty("value").GetInt64() >= 3, TimeSpan.FromSeconds(15));
        views.Json.GetProperty("value").GetDouble().ShouldBeGreaterThanOrEqualTo(3);

        var stored = await host.WithDbAsync(db => db.PageViews.OrderBy(v => v.Path).ToListAsync());
        stored.Select(v => v.Path).ShouldBe(["/docs", "/pricing", "/pricing"]);
        stored.Single(v => v.Referrer is not null).Referrer.ShouldBe("https://search.example/?q=beacon");
        stored.Select(v => v.VisitorKey).Distinct().Count().ShouldBe(2, "two visitors");
        stored.ShouldAllBe(v => v.UserId == null && !v.VisitorKey.Contains(v1) && !v.VisitorKey.Contains(v2));
    }

    [Fact]
    public async Task A_burst_of_views_produces_at_most_one_visitors_event_per_second()
    {
        await using var dashboard = await host.WatchAnalyticsAsync();
        var before = (await host.LiveAsync()).GetProperty("visitors").GetInt64();
        var started = Stopwatch.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => host.ViewAsync($"/burst/{i % 4}", Unique.Id("burst"))));
        await dashboard.WaitForVisitorsAsync(before + 40);

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var visitorEvents = dashboard.Events.OfType("visitors");
        visitorEvents.Count.ShouldBeLessThanOrEqualTo((int)Math.Ceiling(elapsed) + 1, $"40 views over {elapsed:0.0} s must not mean 40 events");
        visitorEvents.Select(e => e.Json.GetProperty("count").GetInt64()).ShouldBe(visitorEvents.Select(e => e.Json.GetProperty("count").GetInt64()).Distinct(), "a count is sent only when it changes");
    }

    [Fact]
    public async Task A_signed_in_user_is_one_visitor_whatever_visitor_id_the_page_sends()
    {
        var alice = Unique.Id("alice");
        var token = await host.TokenAsync(alice, "user");
        await using var dashboard = await host.WatchAnalyticsAsync();
        var before = (await host.LiveAsync()).GetProperty("visitors").GetInt64();

        await host.ViewAsync("/a", Unique.Id("tab1"), token: token);
        await host.ViewAsync("/b", Unique.Id("tab2"), token: token);
        await host.ViewAsync("/c", Unique.Id("other"));

        await dashboard.WaitForVisitorsAsync(before + 2);
        var stored = await host.WithDbAsync(db => db.PageViews.Where(v => v.UserId == alice).ToListAsync());
        stored.Count.ShouldBe(2);
        stored.Select(v => v.VisitorKey).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_visitor_known_only_by_address_is_stored_under_the_days_salted_key()
    {
        var path = "/" + Unique.Id("fingerprint");
        await host.ViewAsync(path);
        await host.ViewAsync(path);

        var stored = await host.WithDbAsync(db => db.PageViews.Where(v => v.Path == path).ToListAsync());
        stored.Count.ShouldBe(2);
        stored.Select(v => v.VisitorKey).Distinct().ShouldHaveSingleItem("one client, one day: one visitor");

        // The endpoint's fingerprint for this client is "<address>|<user agent>"; the test client sends no user agent.
        var salt = await host.Services.GetRequiredService<IVisitorSalt>().ForDayAsync(DateOnly.FromDateTime(stored[0].ViewedAt.UtcDateTime));
        var salted = Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes("c:127.0.0.1|")).AsSpan(0, 16));
        var plain = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("beacon-visitor\nc:127.0.0.1|")).AsSpan(0, 16));
        stored[0].VisitorKey.ShouldBe(salted);
        stored[0].VisitorKey.ShouldNotBe(plain);
    }

    [Fact]
    public async Task The_live_snapshot_counts_views_and_ranks_paths()
    {
        for (var i = 0; i < 3; i++)
        {
            await host.ViewAsync("/top", Unique.Id("s"));
        }

        await host.ViewAsync("/second", Unique.Id("s"));
        await host.ViewAsync("/second", Unique.Id("s"));
        await host.ViewAsync("/third", Unique.Id("s"));

        var live = await host.LiveAsync();

        live.GetProperty("windowSeconds").GetInt32().ShouldBe(300);
        live.GetProperty("visitors").GetInt64().ShouldBeGreaterThanOrEqualTo(6);
        live.GetProperty("pageViews").GetProperty("total").GetInt32().ShouldBe(6);
        live.GetProperty("pageViews").GetProperty("lastMinute").GetInt32().ShouldBe(6);
        live.GetProperty("topPaths").EnumerateArray().Select(p => (p.GetProperty("path").GetString(), p.GetProperty("views").GetInt32()))
            .ShouldBe([("/top", 3), ("/second", 2), ("/third", 1)]);
    }

    [Fact]
    public async Task The_live_snapshot_is_for_admins_only()
    {
        using var anonymous = await host.SendAsync(HttpMethod.Get, "api/analytics/live", "");
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        using var user = await host.SendAsync(HttpMethod.Get, "api/analytics/live", await host.TokenAsync(Unique.Id("u"), "user"));
        await user.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        using var publisher = await host.SendAsync(HttpMethod.Get, "api/analytics/live", await host.PublisherTokenAsync());
        await publisher.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_views_are_refused_and_store_nothing(string body, string field)
    {
        var json = body.Replace("{long2049}", new string('a', 2049)).Replace("{long65}", new string('a', 65));

        using var response = await host.SendAsync(HttpMethod.Post, "api/analytics/pageview", "", rawBody: json);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
        (await host.WithDbAsync(db => db.PageViews.CountAsync())).ShouldBe(0);
        (await host.LiveAsync()).GetProperty("pageViews").GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/analytics/pageview", "", rawBody: """{"path": """);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await host.WithDbAsync(db => db.PageViews.CountAsync())).ShouldBe(0);
    }
}
