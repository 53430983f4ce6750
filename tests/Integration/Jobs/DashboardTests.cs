using System.Net;
using System.Net.Http.Headers;

namespace Beacon.IntegrationTests.Jobs;

/// <summary>
/// The Hangfire dashboard at <c>/hangfire</c>: admins only, by header, or by a cookie that <c>POST /hangfire/session</c>
/// sets from the header (or, discouraged, <c>?access_token=</c>).
/// </summary>
public sealed class DashboardTests(JobsHost host) : IClassFixture<JobsHost>
{
    private const string CookieName = "beacon_dashboard";

    [Fact]
    public async Task Without_a_token_the_dashboard_answers_401_problem()
    {
        using var browser = Browser(followRedirects: false);
        using var response = await browser.GetAsync("hangfire");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task An_invalid_token_gets_401_in_the_header_and_in_the_query()
    {
        var forged = Tokens.Sign(Tokens.WrongKey, "mallory", ["admin"]);
        using var browser = Browser(followRedirects: false);

        using var viaHeader = await browser.SendAsync(Get("hangfire", forged));
        await viaHeader.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        using var viaQuery = await browser.GetAsync("hangfire?access_token=" + Uri.EscapeDataString(forged));
        await viaQuery.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        viaQuery.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task A_token_without_the_admin_role_gets_403_problem_and_no_cookie()
    {
        var user = await host.TokenAsync(Unique.Id("user"));
        var publisher = await host.PublisherTokenAsync();
        using var browser = Browser(followRedirects: false);

        using var viaHeader = await browser.SendAsync(Get("hangfire", user));
        await viaHeader.ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        using var viaQuery = await browser.GetAsync("hangfire?access_token=" + Uri.EscapeDataString(publisher));
        await viaQuery.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        viaQuery.Headers.Contains("Set-Cookie").ShouldBeFalse();

        // Dashboard sub-pages and their AJAX endpoints are behind the same gate.
        using var stats = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, "hangfire/stats") { Headers = { Authorization = new("Bearer", user) } });
        await stats.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_admin_token_in_the_header_opens_the_dashboard()
    {
        using var browser = Browser(followRedirects: false);
        using var response = await browser.SendAsync(Get("hangfire", await host.AdminTokenAsync()));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        body.ShouldContain("Beacon jobs");
        response.Headers.Contains("Set-Cookie").ShouldBeFalse("a header token needs no cookie");

        // Hangfire's pages write inline scripts of their own: theirs is the only policy besides the API reference's that runs them.
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self' 'unsafe-inline'");
    }

    [Fact]
    public async Task An_admin_token_in_the_query_becomes_an_http_only_strict_cookie_that_later_requests_use()
    {
        var token = await host.AdminTokenAsync();
        using var browser = Browser(followRedirects: false);

        using var first = await browser.GetAsync("hangfire/recurring?access_token=" + Uri.EscapeDataString(token) + "&from=monitor");

        first.StatusCode.ShouldBe(HttpStatusCode.Redirect, await first.Content.ReadAsStringAsync());
        first.Headers.Location!.OriginalString.ShouldBe("/hangfire/recurring?from=monitor", "the token is taken out of the address bar");
        var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("path=/hangfire", Case.Insensitive);
        cookie.ShouldContain("expires=", Case.Insensitive);

        // The follow-up carries no token of its own: only the cookie.
        using var page = await browser.GetAsync(first.Headers.Location);
        var body = await page.Content.ReadAsStringAsync();
        page.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldContain("stale-entry-cleanup");

        using var dashboard = await browser.GetAsync("hangfire");
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("hangfire/session")]
    [InlineData("Hangfire/Session/")]
    public async Task An_admin_session_sets_the_http_only_strict_cookie_and_the_dashboard_opens_with_it_alone(string sessionPath)
    {
        using var browser = Browser(followRedirects: false);

        using var session = await browser.SendAsync(Post(sessionPath, await host.AdminTokenAsync()));

        session.StatusCode.ShouldBe(HttpStatusCode.NoContent, await session.Content.ReadAsStringAsync());
        var cookie = session.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("path=/hangfire", Case.Insensitive);
        cookie.ShouldContain("expires=", Case.Insensitive);

        // What the client opens next: the plain address, carrying only the cookie.
        using var dashboard = await browser.GetAsync("hangfire");
        var body = await dashboard.Content.ReadAsStringAsync();
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        dashboard.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        body.ShouldContain("Beacon jobs");

        using var recurring = await browser.GetAsync("hangfire/recurring");
        (await recurring.Content.ReadAsStringAsync()).ShouldContain("stale-entry-cleanup");
    }

    [Fact]
    public async Task A_session_for_a_token_without_the_admin_role_is_403_problem_and_no_cookie()
    {
        using var browser = Browser(followRedirects: false);

        foreach (var token in new[] { await host.TokenAsync(Unique.Id("user")), await host.PublisherTokenAsync() })
        {
            using var response = await browser.SendAsync(Post("hangfire/session", token));

            await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            response.Headers.Contains("Set-Cookie").ShouldBeFalse();
        }
    }

    [Fact]
    public async Task A_session_without_a_token_is_401_problem_with_a_bearer_challenge()
    {
        using var browser = Browser(followRedirects: false);

        using var response = await browser.PostAsync("hangfire/session", content: null);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task A_session_is_opened_by_the_header_alone_not_by_a_query_token_or_the_cookie()
    {
        var token = await host.AdminTokenAsync();

        // The route exists to keep the token out of URLs, and a cookie alone is what a forged cross-site request carries.
        using var viaQuery = await host.Api.PostAsync("hangfire/session?access_token=" + Uri.EscapeDataString(token), content: null);
        await viaQuery.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        viaQuery.Headers.Contains("Set-Cookie").ShouldBeFalse();

        using var viaCookie = new HttpRequestMessage(HttpMethod.Post, "hangfire/session");
        viaCookie.Headers.Add("Cookie", $"{CookieName}={token}");
        using var response = await host.Api.SendAsync(viaCookie);
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task A_cross_site_action_with_the_session_cookie_alone_is_still_refused()
    {
        using var browser = Browser(followRedirects: false);
        using var session = await browser.SendAsync(Post("hangfire/session", await host.AdminTokenAsync()));
        session.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        using var forged = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger") { Content = new FormUrlEncodedContent([new("jobs[]", "no-such-job")]) };
        forged.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var refused = await browser.SendAsync(forged);
        (await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("title").GetString().ShouldBe("Dashboard actions are only taken from the dashboard's own pages.");

        using var own = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger") { Content = new FormUrlEncodedContent([new("jobs[]", "no-such-job")]) };
        own.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var allowed = await browser.SendAsync(own);
        allowed.StatusCode.ShouldNotBe(HttpStatusCode.Forbidden, await allowed.Content.ReadAsStringAsync());
        allowed.StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized, "the session cookie authenticates the dashboard's own actions");
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site", false, "")]
    [InlineData("Sec-Fetch-Site", "same-site", false, "")]
    [InlineData("Origin", "https://evil.example", false, "")]
    [InlineData("Sec-Fetch-Site", "same-origin", true, "")]
    [InlineData("Origin", "{self}", true, "")]
    // An empty query token is no token: the cookie still authenticates, and the check still applies.
    [InlineData("Sec-Fetch-Site", "same-site", false, "?access_token=")]
    [InlineData("Origin", "https://evil.example", false, "?access_token")]
    public async Task A_dashboard_action_the_cookie_authenticates_must_come_from_the_dashboard(string header, string value, bool allowed, string query)
    {
        var token = await host.AdminTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger" + query) { Content = new FormUrlEncodedContent([new("jobs[]", "no-such-job")]) };
        request.Headers.Add("Cookie", $"{CookieName}={token}");
        request.Headers.Add(header, value.Replace("{self}", host.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));

        using var response = await host.Api.SendAsync(request);

        if (allowed)
        {
            response.StatusCode.ShouldNotBe(HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync());
        }
        else
        {
            (await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("title").GetString().ShouldBe("Dashboard actions are only taken from the dashboard's own pages.");
        }
    }

    [Fact]
    public async Task The_dashboard_cookie_is_not_a_credential_anywhere_else()
    {
        var token = await host.AdminTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/sse-monitor");
        request.Headers.Add("Cookie", $"{CookieName}={token}");

        using var response = await host.Api.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_stale_dashboard_cookie_gets_401_and_is_deleted()
    {
        var expired = Tokens.Sign(host.Setting("Auth:SigningKey")!, "test-admin", ["admin"], expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddMinutes(-20));
        using var request = new HttpRequestMessage(HttpMethod.Get, "hangfire");
        request.Headers.Add("Cookie", $"{CookieName}={expired}");

        using var response = await host.Api.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(CookieName + "=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_tokens_never_reach_the_logs()
    {
        var admin = await host.AdminTokenAsync();
        var user = await host.TokenAsync(Unique.Id("user"));
        using (var browser = Browser(followRedirects: true))
        {
            (await browser.GetAsync("hangfire?access_token=" + Uri.EscapeDataString(admin))).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await browser.GetAsync("hangfire?access_token=" + Uri.EscapeDataString(user))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        // The request log line is written as the response completes; wait for ours rather than sleeping.
        var logged = await Eventually.TrueAsync(() => Task.FromResult(host.LogLines.Count(l => l.Contains("/hangfire", StringComparison.Ordinal)) >= 3));
        logged.ShouldBeTrue("the dashboard requests were never logged: " + string.Join("\n", host.LogLines.TakeLast(20)));

        // A JWT is three base64url parts; its signature alone is unique enough to search for.
        foreach (var token in new[] { admin, user })
        {
            var signature = token[(token.LastIndexOf('.') + 1)..];
            host.LogLines.ShouldNotContain(l => l.Contains(signature, StringComparison.Ordinal));
        }
    }

    /// <summary>A client of its own, with its own cookie jar, as one browser would be.</summary>
    private HttpClient Browser(bool followRedirects) =>
        new(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = followRedirects })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static HttpRequestMessage Get(string path, string token) =>
        new(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    private static HttpRequestMessage Post(string path, string token) =>
        new(HttpMethod.Post, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
}
