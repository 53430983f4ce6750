using System.Globalization;
using System.Net;

namespace Beacon.IntegrationTests.RateLimiting;

/// <summary>Assertions on <c>X-RateLimit-*</c>, <c>Retry-After</c> and the 429 problem.</summary>
public static class RateLimitAssertions
{
    public const string Limit = "X-RateLimit-Limit";
    public const string Remaining = "X-RateLimit-Remaining";
    public const string Reset = "X-RateLimit-Reset";

    /// <summary>The integer value of a response header, failing when it is absent.</summary>
    public static long Header(this HttpResponseMessage response, string name)
    {
        response.Headers.TryGetValues(name, out var values).ShouldBeTrue($"no {name} header on {(int)response.StatusCode}");
        return long.Parse(values!.Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>Asserts the limit, what remains, and a reset (seconds from now) within the window.</summary>
    public static void ShouldReportWindow(this HttpResponseMessage response, long limit, long remaining, int windowSeconds)
    {
        response.Header(Limit).ShouldBe(limit);
        response.Header(Remaining).ShouldBe(remaining);
        response.Header(Reset).ShouldBeInRange(1, windowSeconds);
    }

    /// <summary>Asserts a 429 problem with <c>Retry-After</c> and the headers of an exhausted window, and returns the problem.</summary>
    public static async Task<System.Text.Json.JsonElement> ShouldBeRateLimitedAsync(this HttpResponseMessage response, long limit, int windowSeconds)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("type").GetString().ShouldBe("https://tools.ietf.org/html/rfc6585#section-4", "every problem has a type (RFC 9457), 429's is RFC 6585's");
        problem.TryGetProperty("traceId", out _).ShouldBeTrue(problem.ToString());
        var retryAfter = response.Headers.RetryAfter?.Delta;
        retryAfter.ShouldNotBeNull("a 429 must say when to retry");
        retryAfter.Value.TotalSeconds.ShouldBeInRange(1, windowSeconds);
        response.ShouldReportWindow(limit, 0, windowSeconds);
        response.Header(Reset).ShouldBe((long)retryAfter.Value.TotalSeconds, "Retry-After is the time until the window resets");
        return problem;
    }

    public static void ShouldHaveNoRateLimitHeaders(this HttpResponseMessage response)
    {
        response.Headers.Contains(Limit).ShouldBeFalse();
        response.Headers.Contains(Remaining).ShouldBeFalse();
        response.Headers.Contains(Reset).ShouldBeFalse();
    }
}
