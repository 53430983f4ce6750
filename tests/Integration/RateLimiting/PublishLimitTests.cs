using System.Net;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary><c>RateLimiting:Publish</c>, per publisher.</summary>
public sealed class PublishLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    private static readonly object Event = new { type = "test.limited", data = new { n = 1 }, audience = new { all = true } };

    [Fact]
    public async Task Publishing_past_the_limit_gets_429_with_retry_after_while_another_publisher_is_unaffected()
    {
        var publisher = await host.TokenAsync(Unique.Id("publisher"), "publisher");
        for (var i = 1; i <= RateLimits.Publishes; i++)
        {
            using var accepted = await host.PostEventAsync(Event, publisher);
            accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await BeaconHostExtensions.DescribeAsync(accepted));
            accepted.ShouldReportWindow(RateLimits.Publishes, RateLimits.Publishes - i, RateLimits.PublishWindowSeconds);
        }

        using (var refused = await host.PostEventAsync(Event, publisher))
        {
            var problem = await refused.ShouldBeRateLimitedAsync(RateLimits.Publishes, RateLimits.PublishWindowSeconds);
            problem.GetProperty("detail").GetString()!.ShouldContain("publish");
        }

        using var other = await host.PostEventAsync(Event, await host.TokenAsync(Unique.Id("publisher"), "publisher"));
        other.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        other.ShouldReportWindow(RateLimits.Publishes, RateLimits.Publishes - 1, RateLimits.PublishWindowSeconds);
    }

    [Fact]
    public async Task A_caller_without_the_publisher_role_is_refused_before_it_uses_any_permits()
    {
        var user = Unique.Id("not-a-publisher");
        var plain = await host.TokenAsync(user);
        for (var i = 0; i < RateLimits.Publishes + 2; i++)
        {
            using var forbidden = await host.PostEventAsync(Event, plain);
            forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            forbidden.ShouldHaveNoRateLimitHeaders();
        }

        // The same user with the role starts from a full window: the 403s used no permits.
        using var accepted = await host.PostEventAsync(Event, await host.TokenAsync(user, "publisher"));
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        accepted.ShouldReportWindow(RateLimits.Publishes, RateLimits.Publishes - 1, RateLimits.PublishWindowSeconds);
    }

    [Fact]
    public async Task A_batch_costs_a_permit_per_event_in_the_same_window_as_single_publishes()
    {
        var publisher = await host.TokenAsync(Unique.Id("batcher"), "publisher");

        using (var batch = await host.SendAsync(HttpMethod.Post, "api/events/batch", publisher, Batch(4)))
        {
            batch.StatusCode.ShouldBe(HttpStatusCode.Accepted, await BeaconHostExtensions.DescribeAsync(batch));
            batch.ShouldReportWindow(RateLimits.Publishes, RateLimits.Publishes - 4, RateLimits.PublishWindowSeconds);
        }

        using (var single = await host.PostEventAsync(Event, publisher))
        {
            single.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            single.ShouldReportWindow(RateLimits.Publishes, RateLimits.Publishes - 5, RateLimits.PublishWindowSeconds);
        }

        // Five left: a batch of six is refused, and publishes nothing.
        using (var tooMany = await host.SendAsync(HttpMethod.Post, "api/events/batch", publisher, Batch(6)))
        {
            (await tooMany.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString()!.ShouldContain("publish");
            tooMany.Headers.RetryAfter.ShouldNotBeNull();
        }

        using var past = await host.SendAsync(HttpMethod.Post, "api/events/batch", publisher, Batch(RateLimits.Publishes + 1));
        (await past.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("events").ShouldNotBeEmpty("a batch over the limit per window could never pass");
    }

    private static object Batch(int count) =>
        new { events = Enumerable.Range(0, count).Select(i => new { type = "test.batched", data = new { i }, audience = new { all = true } }).ToArray() };
}
