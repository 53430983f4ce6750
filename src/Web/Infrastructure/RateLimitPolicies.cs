namespace Beacon.Web.Infrastructure;

/// <summary>
/// The rate-limit policies endpoints opt into with <c>RequireRateLimiting</c>. Each counts per user (or per
/// client IP when anonymous) against its <c>RateLimiting:*</c> rule; see <see cref="RateLimitingSetup"/>.
/// </summary>
public static class RateLimitPolicies
{
    /// <summary>New streams, <c>GET /api/sse</c>: <c>RateLimiting:SseConnections</c>.</summary>
    public const string SseConnections = "sse-connections";

    /// <summary>Publishing, <c>POST /api/events</c>: <c>RateLimiting:Publish</c>.</summary>
    public const string Publish = "publish";

    /// <summary>Page views, <c>POST /api/analytics/pageview</c>: <c>RateLimiting:PageViews</c>.</summary>
    public const string PageViews = "page-views";

    /// <summary>Long-polls, <c>GET /api/events</c>: <c>RateLimiting:LongPolls</c>.</summary>
    public const string LongPolls = "long-polls";

    /// <summary>Stream tickets, <c>POST /api/sse/ticket</c>: <c>RateLimiting:Tickets</c>.</summary>
    public const string Tickets = "tickets";

    /// <summary>
    /// Chat writes: <c>POST /api/conversations</c>, <c>POST /api/conversations/{id}/messages</c> and <c>/typing</c>,
    /// <c>PUT /api/presence/me</c>: <c>RateLimiting:Messaging</c>.
    /// </summary>
    public const string Messaging = "messaging";
}
