using Beacon.Infrastructure.RateLimiting;
using Beacon.Web.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Wires ASP.NET Core's rate-limiting middleware to Beacon's policies (<see cref="RateLimitPolicies"/>). The
/// limiters themselves come from Infrastructure (in memory, or Redis when configured). Allowed responses get
/// <c>X-RateLimit-*</c> from <see cref="HeaderReportingLimiter"/>; rejected ones get them here, with a 429
/// problem and <c>Retry-After</c>.
/// </summary>
public static class RateLimitingSetup
{
    /// <summary>
    /// Adds the middleware unless <c>RateLimiting:Enabled</c> is false. Call after authentication, so the
    /// partition is the signed-in user, and after authorization, so refused callers use no permits.
    /// </summary>
    public static WebApplication UseBeaconRateLimiting(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!settings.Enabled)
        {
            return app;
        }

        var limiters = app.Services.GetRequiredService<IPartitionLimiterFactory>();
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        var options = new RateLimiterOptions
        {
            RejectionStatusCode = StatusCodes.Status429TooManyRequests,
            OnRejected = RejectAsync,
        };
        // SseConnections is not here: both stream routes share StreamConnectLimiter (GET /api/sse runs outside this middleware).
        // Publish counts in PublishLimiter's windows, which the batch route also takes its further permits from.
        options.AddPolicy(RateLimitPolicies.Publish, app.Services.GetRequiredService<PublishLimiter>().Forward);
        options.AddPolicy(RateLimitPolicies.LongPolls, new UserOrIpRateLimitPolicy(RateLimitPolicies.LongPolls, settings.LongPolls, limiters, accessor));
        options.AddPolicy(RateLimitPolicies.PageViews, new UserOrIpRateLimitPolicy(RateLimitPolicies.PageViews, settings.PageViews, limiters, accessor));
        options.AddPolicy(RateLimitPolicies.Tickets, new UserOrIpRateLimitPolicy(RateLimitPolicies.Tickets, settings.Tickets, limiters, accessor));
        options.AddPolicy(RateLimitPolicies.Messaging, new UserOrIpRateLimitPolicy(RateLimitPolicies.Messaging, settings.Messaging, limiters, accessor));

        // The options are passed here rather than configured in DI, so the policies stay in the web layer.
        app.UseRateLimiter(options);
        return app;
    }

    /// <summary>429 <c>application/problem+json</c> with <c>Retry-After</c> and the <c>X-RateLimit-*</c> headers of the lease.</summary>
    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        new(WriteRejectionAsync(rejected.HttpContext, rejected.Lease, rejected.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName));

    /// <inheritdoc cref="RejectAsync"/>
    internal static async Task WriteRejectionAsync(HttpContext context, RateLimitLease lease, string? policyName)
    {
        RateLimitHeaders.Write(context.Response, lease);
        var retryAfter = RateLimitHeaders.WriteRetryAfter(context.Response, lease);
        var policy = policyName ?? "rate";
        var limit = RateLimitHeaders.Limit(lease);

        // Results.Problem writes problem+json even when the request accepts only text/event-stream (without ASP.NET
        // Core's defaults then, so the trace id is set here, ProblemTraceId); 429 is not among the statuses it gives a type.
        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            type: "https://tools.ietf.org/html/rfc6585#section-4",
            detail: $"The {policy} limit{(limit is null ? "" : $" of {limit}")} was reached; retry in {retryAfter} s.",
            extensions: ProblemTraceId.For(context)).ExecuteAsync(context);
    }
}
