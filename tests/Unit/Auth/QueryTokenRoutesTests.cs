using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Auth;

/// <summary>Where the bearer scheme reads a token from the URL, and <see cref="JwtSetup.MayCarryToken"/> in step with it.</summary>
public sealed class QueryTokenRoutesTests
{
    [Theory]
    [InlineData("/api/sse", "?access_token=t", "t")]
    [InlineData("/API/Sse/", "?access_token=t", "t")]
    [InlineData("/api/notifications/stream", "?access_token=t", "t")]
    [InlineData("/api/notifications/stream", "?token=t", "t")]
    [InlineData("/api/ws", "?access_token=t", "t")]
    [InlineData("/hangfire", "?access_token=t", "t")]
    [InlineData("/hangfire/recurring", "?access_token=t", "t")]
    [InlineData("/api/notifications", "?access_token=t", null)]
    [InlineData("/api/events", "?access_token=t", null)]
    [InlineData("/api/sse/stats", "?access_token=t", null)]
    [InlineData("/api/sse/ticket", "?access_token=t", null)]
    [InlineData("/hangfire-not", "?access_token=t", null)]
    [InlineData("/hangfire/session", "?access_token=t", null)]
    [InlineData("/Hangfire/Session/", "?access_token=t", null)]
    [InlineData("/hangfire/sessions", "?access_token=t", "t")]
    [InlineData("/api/sse", "?token=t", null)]
    public async Task The_scheme_reads_a_query_token_only_on_the_routes_that_cannot_send_a_header(string path, string query, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);

        (await TokenFoundAsync(context)).ShouldBe(expected);
        if (expected is not null)
        {
            JwtSetup.MayCarryToken(context.Request).ShouldBeTrue("the pre-check must not skip a request the scheme would authenticate");
        }
    }

    [Theory]
    [InlineData("/api/notifications", "?access_token=t")]
    [InlineData("/api/events", "?acc%65ss_token=t")]
    public void A_query_token_elsewhere_does_not_count_as_a_credential(string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);

        JwtSetup.MayCarryToken(context.Request).ShouldBeFalse();
    }

    [Theory]
    [InlineData("/hangfire", true)]
    [InlineData("/hangfire/recurring", true)]
    [InlineData("/hangfire/session", false)]
    [InlineData("/HANGFIRE/session/", false)]
    public async Task The_dashboard_cookie_is_read_on_the_dashboard_but_not_on_its_session_route(string path, bool read)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.Headers.Cookie = $"{JobsDashboard.CookieName}=t";

        (await TokenFoundAsync(context)).ShouldBe(read ? "t" : null);
        JwtSetup.MayCarryToken(context.Request).ShouldBe(read);
    }

    private static async Task<string?> TokenFoundAsync(HttpContext context)
    {
        var options = new JwtBearerOptions();
        new JwtSetup(Options.Create(new AuthOptions { SigningKey = "unit-test-signing-key-long-enough-0123456789abcdef" }), TimeProvider.System).Configure(options);
        var received = new MessageReceivedContext(context, new AuthenticationScheme(JwtBearerDefaults.AuthenticationScheme, null, typeof(JwtBearerHandler)), options);
        await options.Events.MessageReceived(received);
        return received.Token;
    }
}
