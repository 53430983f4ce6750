using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Beacon.Infrastructure.RateLimiting;
using Beacon.Web.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Beacon.UnitTests.RateLimiting;

/// <summary>The in-memory policy, driven the way the middleware drives it: one partitioned limiter over HttpContext.</summary>
public sealed class UserOrIpRateLimitPolicyTests : IDisposable
{
    private readonly HttpContextAccessor _accessor = new();
    private readonly PartitionedRateLimiter<HttpContext> _limiter;

    public UserOrIpRateLimitPolicyTests()
    {
        var policy = new UserOrIpRateLimitPolicy(
            "test",
            new RateLimitRule { PermitLimit = 2, WindowSeconds = 60 },
            new InMemoryPartitionLimiterFactory(new ManualClock()),
            _accessor);
        _limiter = PartitionedRateLimiter.Create<HttpContext, string>(policy.GetPartition);
    }

    public void Dispose() => _limiter.Dispose();

    private static HttpContext Request(string? userId = null, string ip = "10.0.0.1", string? claimedUserId = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        if (userId is not null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", userId)], authenticationType: "Bearer"));
        }

        if (claimedUserId is not null)
        {
            context.Request.QueryString = new QueryString("?userId=" + claimedUserId);
        }

        return context;
    }

    private async Task<bool> AllowedAsync(HttpContext context)
    {
        _accessor.HttpContext = context;
        using var lease = await _limiter.AcquireAsync(context);
        return lease.IsAcquired;
    }

    [Fact]
    public void The_partition_is_the_signed_in_user_otherwise_the_ip()
    {
        ClientPartition.For(Request("alice", "10.0.0.1")).ShouldBe("user:alice");
        ClientPartition.For(Request(ip: "10.0.0.1")).ShouldBe("ip:10.0.0.1");
        ClientPartition.For(Request(ip: "::ffff:10.0.0.1")).ShouldBe("ip:10.0.0.1", "IPv4-mapped addresses count as IPv4");
        ClientPartition.For(Request(ip: "10.0.0.1", claimedUserId: "mallory")).ShouldBe("ip:10.0.0.1", "an anonymous ?userId= is only a claim");
    }

    [Fact]
    public async Task A_user_is_limited_on_every_ip_and_other_users_on_the_same_ip_are_not()
    {
        (await AllowedAsync(Request("alice", "10.0.0.1"))).ShouldBeTrue();
        (await AllowedAsync(Request("alice", "10.0.0.2"))).ShouldBeTrue();
        (await AllowedAsync(Request("alice", "10.0.0.3"))).ShouldBeFalse("alice's window is hers wherever she connects from");

        (await AllowedAsync(Request("bob", "10.0.0.1"))).ShouldBeTrue();
        (await AllowedAsync(Request(ip: "10.0.0.1"))).ShouldBeTrue("anonymous callers on alice's IP have their own window");
    }

    [Fact]
    public async Task Anonymous_callers_are_limited_per_ip_whatever_user_they_claim()
    {
        (await AllowedAsync(Request(ip: "10.0.0.9", claimedUserId: "a"))).ShouldBeTrue();
        (await AllowedAsync(Request(ip: "::ffff:10.0.0.9", claimedUserId: "b"))).ShouldBeTrue();
        (await AllowedAsync(Request(ip: "10.0.0.9", claimedUserId: "c"))).ShouldBeFalse();
        (await AllowedAsync(Request(ip: "10.0.0.10"))).ShouldBeTrue();
    }

    [Fact]
    public async Task Allowed_requests_get_the_rate_limit_headers_from_their_lease()
    {
        var first = Request("carol");
        var second = Request("carol");
        (await AllowedAsync(first)).ShouldBeTrue();
        (await AllowedAsync(second)).ShouldBeTrue();

        first.Response.Headers[RateLimitHeaders.LimitHeader].ToString().ShouldBe("2");
        first.Response.Headers[RateLimitHeaders.RemainingHeader].ToString().ShouldBe("1");
        first.Response.Headers[RateLimitHeaders.ResetHeader].ToString().ShouldBe("60");
        second.Response.Headers[RateLimitHeaders.RemainingHeader].ToString().ShouldBe("0");
    }
}
