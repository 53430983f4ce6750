using Beacon.Application.Analytics.Commands.RecordPageView;
using Beacon.Application.Analytics.Queries.GetLiveAnalytics;
using Beacon.Web.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Beacon.Web.Endpoints;

/// <summary>Live analytics: <c>/api/analytics</c>. Page views from anyone (rate limited); the live snapshot for admins.</summary>
internal static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics");
        group.MapPost("/pageview", RecordPageView).AllowAnonymous().RequireRateLimiting(RateLimitPolicies.PageViews);
        group.MapGet("/live", GetLive).RequireAuthorization(Roles.IsAdmin);
        return app;
    }

    private static async Task<Accepted<PageViewAccepted>> RecordPageView(PageViewRequest request, HttpContext context, ISender sender, CancellationToken cancellationToken)
    {
        // Only a fallback identity for visitors who send no id; hashed before it is stored or logged.
        var fingerprint = $"{context.Connection.RemoteIpAddress}|{context.Request.Headers.UserAgent}";
        var accepted = await sender.Send(new RecordPageViewCommand(request.Path, request.Referrer, request.VisitorId, fingerprint), cancellationToken);
        return TypedResults.Accepted(uri: (string?)null, value: accepted);
    }

    private static async Task<Ok<LiveAnalyticsSnapshot>> GetLive(ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetLiveAnalyticsQuery(), cancellationToken));

    /// <summary>The body of <c>POST /api/analytics/pageview</c>.</summary>
    /// <param name="Path">The path viewed.</param>
    /// <param name="Referrer">Where the visitor came from, or null.</param>
    /// <param name="VisitorId">The page's stable id for the visitor, or null.</param>
    internal sealed record PageViewRequest(string? Path, string? Referrer, string? VisitorId);
}
