namespace Beacon.Web.Infrastructure.RateLimiting;

/// <summary>
/// Whom a request counts against: the signed-in user (<c>user:{sub}</c>), otherwise the client's IP address
/// (<c>ip:{address}</c>). The anonymous-mode <c>?userId=</c> is a claim anyone can make, so it never picks
/// the partition — otherwise a caller could dodge the limit by inventing user ids.
/// </summary>
public static class ClientPartition
{
    /// <summary>The partition key of <paramref name="context"/>.</summary>
    public static string For(HttpContext context)
    {
        var userId = context.User.GetUserId();
        if (!string.IsNullOrEmpty(userId))
        {
            return ForUser(userId);
        }

        // Behind a proxy this is the proxy, unless forwarded headers are applied before this runs.
        var address = context.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        return "ip:" + (address?.ToString() ?? "unknown");
    }

    /// <summary>The partition key of <paramref name="userId"/>, a user proven other than by the request's principal (a redeemed stream ticket).</summary>
    public static string ForUser(string userId) => "user:" + userId;
}
