using System.Net;
using System.Text;
using Beacon.IntegrationTests.Infrastructure;
using Beacon.Infrastructure.Realtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Security;

/// <summary>A host with a CORS allow-list and every log category at Information, capturing what is logged.</summary>
public sealed class HardenedHost() : BeaconHost(
    ("Cors:AllowedOrigins:0", "https://app.example"),
    ("Logging:LogLevel:Default", "Information"),
    ("Logging:LogLevel:Microsoft.AspNetCore", "Information"),

    // A level for one provider (as Logging:Console:LogLevel:Default would be) outranks every rule that names none.
    ("Logging:" + CapturedLogsProvider + ":LogLevel:Default", "Trace"))
{
    private const string CapturedLogsProvider = "Beacon.IntegrationTests.Infrastructure.CapturedLogs";

    private readonly CapturedLogs _logs = new();

    /// <summary>Every line logged so far: category, message and the values of its structured fields.</summary>
    public IReadOnlyCollection<string> Logged => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class HardeningTests(HardenedHost host) : IClassFixture<HardenedHost>
{
    [Fact]
    public async Task Tokens_in_the_query_string_never_reach_the_logs()
    {
        var token = await host.TokenAsync("logged-user", "user");
        await using (var stream = await host.ConnectAsync("access_token=" + token))
        {
            stream.Connected.UserId.ShouldBe("logged-user");
        }

        using var _ = await host.Api.GetAsync("api/sse/stats?access_token=" + token);
        var signature = token[(token.LastIndexOf('.') + 1)..];
        var ok = await Eventually.TrueAsync(() => Task.FromResult(host.Logged.Any(l => l.Contains("/api/sse/stats", StringComparison.Ordinal))));
        ok.ShouldBeTrue("the request log line was never written");
        host.Logged.ShouldNotContain(l => l.Contains(signature, StringComparison.Ordinal));
        host.Logged.ShouldContain(l => l.Contains("access_token=***", StringComparison.Ordinal));
    }

    // The stream drops its parsed query once connected (memory per held connection); its request line, written when
    // the stream ends, must still show the query.
    [Fact]
    public async Task A_streams_request_line_keeps_its_query_redacted()
    {
        var token = await host.TokenAsync("query-logged-user", "user");
        await using (var stream = await host.ConnectAsync("device=query-log-probe&access_token=" + token))
        {
            stream.Connected.UserId.ShouldBe("query-logged-user");
        }

        var ok = await Eventually.TrueAsync(() => Task.FromResult(host.Logged.Any(l => l.Contains("/api/sse?device=query-log-probe&access_token=*** -> 200", StringComparison.Ordinal))));
        ok.ShouldBeTrue("the stream's request line, with its redacted query, was never written: " + string.Join(" | ", host.Logged.Where(l => l.Contains("/api/sse?", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Cors_answers_listed_origins_with_credentials_and_ignores_others()
    {
        using var allowed = await PreflightAsync("https://app.example");
        allowed.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe(["https://app.example"]);
        allowed.Headers.GetValues("Access-Control-Allow-Credentials").ShouldBe(["true"]);

        using var other = await PreflightAsync("https://evil.example");
        other.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    // A page on a listed origin reads only the response headers CORS exposes: without X-Beacon-Cursor the polling
    // fallback has no position after an empty poll, and its next poll starts from "now", losing what came between.
    [Fact]
    public async Task A_listed_origin_can_read_the_headers_the_api_answers_with()
    {
        using var poll = new HttpRequestMessage(HttpMethod.Get, "api/events?wait=0");
        poll.Headers.Add("Origin", "https://app.example");
        poll.Headers.Authorization = new("Bearer", await host.TokenAsync(Unique.Id("cross-origin"), "user"));
        using var response = await host.Api.SendAsync(poll);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await BeaconHostExtensions.DescribeAsync(response));
        response.Headers.Contains("X-Beacon-Cursor").ShouldBeTrue();
        response.Headers.GetValues("X-Beacon-Node").Single().ShouldBe(host.Services.GetRequiredService<NodeIdentity>().NodeId);
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").SelectMany(v => v.Split(',')).Select(h => h.Trim()).ToArray();
        exposed.ShouldBe(["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Beacon-Cursor", "X-Beacon-Node", "Idempotent-Replayed", "Location"], ignoreOrder: true);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        using var page = await host.Api.GetAsync("sse-demo");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        page.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        page.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
    }

    [Theory]
    [InlineData("sse-demo", false)]
    [InlineData("sse-demo.html", false)]
    [InlineData("scalar/", true)]
    public async Task Only_pages_that_write_inline_scripts_of_their_own_may_run_inline_scripts(string path, bool inline)
    {
        using var page = await host.Api.GetAsync(path);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var scriptSources = page.Headers.GetValues("Content-Security-Policy").Single().Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src "));
        scriptSources.Contains("'unsafe-inline'").ShouldBe(inline, scriptSources);
        if (!inline)
        {
            (await page.Content.ReadAsStringAsync()).ShouldNotContain("<script>", customMessage: "an inline script would not run under this page's policy");
        }
    }

    [Fact]
    public async Task Oversized_request_bodies_are_refused_with_413()
    {
        var body = "{\"userId\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/dev-token") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        // The 413 comes before the body is on the wire; without 100-continue the server's early answer and close
        // can race the client's write (a broken pipe instead of a readable 413, on a loaded machine).
        request.Headers.ExpectContinue = true;
        using var response = await host.Api.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await BeaconHostExtensions.DescribeAsync(response));
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "api/events");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await host.Api.SendAsync(request);
    }
}
