using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Auth;

/// <summary>Identity and roles in Development (anonymous mode on): tokens win over query claims, bad tokens are refused.</summary>
public sealed class AuthTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    public static TheoryData<string, string> BadTokens => new()
    {
        { "garbage", "garbage" },
        { "wrong key", Tokens.Sign(Tokens.WrongKey, "mallory", ["admin"]) },
        { "expired", Tokens.Sign(DevSigningKey, "late", ["publisher"], expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddMinutes(-20)) },
        { "not yet valid", Tokens.Sign(DevSigningKey, "early", ["publisher"], expires: DateTime.UtcNow.AddHours(2), notBefore: DateTime.UtcNow.AddHours(1)) },
        { "unsigned", UnsignedToken("mallory") },
        { "empty subject", Tokens.Sign(DevSigningKey, "", ["publisher"]) },
        { "subject of 129 characters", Tokens.Sign(DevSigningKey, new string('s', 129), ["publisher"]) },
    };

    // appsettings.Development.json's key; a test asserts the host really uses it, so these tokens are only wrong where meant to be.
    private const string DevSigningKey = Beacon.Web.Infrastructure.AuthOptions.PublicDevelopmentKey;

    [Fact]
    public async Task Dev_token_endpoint_issues_a_token_that_identifies_the_user_on_the_stream()
    {
        var user = Unique.Id("dev");

        var token = await host.TokenAsync(user, "publisher");
        await using var client = await host.ConnectAsync(options: new SseOptions(Token: token));

        client.Connected.UserId.ShouldBe(user);
    }

    [Fact]
    public async Task Self_signed_token_with_the_configured_key_is_accepted()
    {
        var user = Unique.Id("self-signed");
        host.Setting("Auth:SigningKey").ShouldBe(DevSigningKey, "the bad-token cases assume the Development key");

        await using var client = await host.ConnectAsync(options: new SseOptions(Token: Tokens.Sign(DevSigningKey, user, ["user"])));

        client.Connected.UserId.ShouldBe(user);
    }

    [Theory]
    [InlineData("""{"roles":["publisher"]}""", "userId")]
    [InlineData("""{"userId":" "}""", "userId")]
    [InlineData("""{"userId":"alice","roles":["root"]}""", "roles")]
    [InlineData("""{"userId":"alice","lifetimeMinutes":0}""", "lifetimeMinutes")]
    public async Task Dev_token_endpoint_rejects_invalid_requests_with_400(string body, string field)
    {
        using var response = await host.Api.PostAsync("api/auth/dev-token", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Jwt_user_claiming_another_user_in_the_query_keeps_their_own_identity()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        var token = await host.TokenAsync(alice);

        await using var client = await host.ConnectAsync(Query.User(bob), new SseOptions(Token: token));

        client.Connected.UserId.ShouldBe(alice);
        var forBob = await host.PublishAsync("auth.bob", new { }, Audiences.Users(bob));
        var forAlice = await host.PublishAsync("auth.alice", new { }, Audiences.Users(alice));
        await client.Events.WaitForIdAsync(forAlice);
        client.Events.All.ShouldNotContain(e => e.Id == forBob);
        (await host.GetStatsAsync()).ClientsOf(bob).ShouldBe(0);
    }

    [Fact]
    public async Task Access_token_query_parameter_authenticates_the_stream()
    {
        var user = Unique.Id("eventsource");
        var token = await host.TokenAsync(user);

        await using var client = await host.ConnectAsync(Query.Of(("access_token", token)));

        client.Connected.UserId.ShouldBe(user);
    }

    // A stream with no token anywhere skips the bearer scheme (JwtSetup.MayCarryToken); these spellings of the
    // parameter must still reach it, as the query parser reads them all as access_token.
    [Theory]
    [InlineData("ACCESS_TOKEN")]
    [InlineData("access_%74oken")]
    [InlineData("access_to%6Ben")]
    public async Task Access_token_query_parameter_authenticates_the_stream_however_its_name_is_spelled(string name)
    {
        var user = Unique.Id("spelled");
        var token = await host.TokenAsync(user);

        // Raw, because HttpClient would decode %74 to t before sending.
        await using var wire = await RawHttp.OpenAsync(host.BaseAddress, $"/api/sse?{name}={token}");
        (await wire.ReadHeadAsync()).ShouldStartWith("HTTP/1.1 200 OK\r\n");
        (await wire.ReadUntilAsync("\n\n", frames: 2)).ShouldContain($"\"userId\":\"{user}\"");
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_token_on_the_stream_is_refused_with_401_even_in_anonymous_mode(string kind, string token)
    {
        await using var header = await host.OpenStreamAsync(Query.User("someone"), new SseOptions(Token: token));
        await header.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        await using var query = await host.OpenStreamAsync(Query.Of(("access_token", token), ("userId", "someone")));
        await query.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        _ = kind; // names the case in the test output
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_token_on_publish_is_refused_with_401(string kind, string token)
    {
        using var response = await host.PostEventAsync(new { type = "auth.bad", data = new { kind }, audience = Audiences.All }, token);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_token_whose_subject_no_record_can_hold_is_refused_with_401_that_says_why_on_every_route()
    {
        var token = Tokens.Sign(DevSigningKey, new string('s', 129), ["user", "publisher"]);

        foreach (var (method, path) in new[] { (HttpMethod.Post, "api/jobs"), (HttpMethod.Post, "api/conversations"), (HttpMethod.Post, "api/sse/ticket"), (HttpMethod.Get, "api/notifications") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await host.Api.SendAsync(request);

            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldContain("The token's subject ('sub') must be 1 to 128 characters, without control characters.", customMessage: path);
        }

        // A page view may be anonymous: with a refused token it is counted as one, as with any invalid token.
        using (var pageView = new HttpRequestMessage(HttpMethod.Post, "api/analytics/pageview") { Content = JsonContent.Create(new { path = "/long-subject" }) })
        {
            pageView.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await host.Api.SendAsync(pageView)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await using var longest = await host.ConnectAsync(options: new SseOptions(Token: Tokens.Sign(DevSigningKey, new string('s', 128), ["user"])));
        longest.Connected.UserId.ShouldBe(new string('s', 128));
    }

    [Fact]
    public async Task A_token_valid_past_the_year_9999_opens_a_stream_and_gets_a_ticket()
    {
        var user = Unique.Id("forever");
        var token = Tokens.Sign(DevSigningKey, user, ["user"], rawExp: 99_999_999_999_999);

        await using var stream = await host.ConnectAsync(options: new SseOptions(Token: token));
        stream.Connected.UserId.ShouldBe(user);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sse/ticket");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var ticket = await host.Api.SendAsync(request);
        ticket.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Publish_without_a_token_is_refused_with_401()
    {
        using var response = await host.PostEventAsync(new { type = "auth.none", data = new { }, audience = Audiences.All }, token: "");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Publish_by_a_user_without_the_publisher_role_is_forbidden_and_publishes_nothing()
    {
        await using var watcher = await host.ConnectAsync();
        var token = await host.TokenAsync(Unique.Id("plain-user"), "user");

        using var response = await host.PostEventAsync(new { type = "auth.forbidden", data = new { }, audience = Audiences.All }, token);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await host.BroadcastMarkerAndWaitAsync(watcher);
        watcher.Events.OfType("auth.forbidden").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_publisher_token_is_held_after_its_first_publish_and_its_next_publish_is_accepted()
    {
        var cache = ValidatedTokenCache();
        var token = Tokens.Sign(DevSigningKey, Unique.Id("cached-publisher"), ["publisher"]);

        using (var first = await host.PostEventAsync(new { type = "auth.cached", data = new { n = 1 }, audience = Audiences.All }, token))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        cache.Holds(token).ShouldBeTrue();
        using var second = await host.PostEventAsync(new { type = "auth.cached", data = new { n = 2 }, audience = Audiences.All }, token);
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_user_token_held_by_the_cache_still_may_not_publish()
    {
        var cache = ValidatedTokenCache();
        await using var watcher = await host.ConnectAsync();
        var user = Unique.Id("cached-user");
        var token = Tokens.Sign(DevSigningKey, user, ["user"]);
        await using (var stream = await host.ConnectAsync(options: new SseOptions(Token: token)))
        {
            stream.Connected.UserId.ShouldBe(user);
        }

        cache.Holds(token).ShouldBeTrue("the stream's check left the token in the cache");
        using var response = await host.PostEventAsync(new { type = "auth.cached-forbidden", data = new { }, audience = Audiences.All }, token);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await host.BroadcastMarkerAndWaitAsync(watcher);
        watcher.Events.OfType("auth.cached-forbidden").ShouldBeEmpty();
    }

    private CachingJsonWebTokenHandler ValidatedTokenCache() => host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
        .Get(JwtBearerDefaults.AuthenticationScheme).TokenHandlers.OfType<CachingJsonWebTokenHandler>().ShouldHaveSingleItem();

    [Fact]
    public async Task Admin_may_publish()
    {
        using var response = await host.PostEventAsync(new { type = "auth.admin", data = new { }, audience = Audiences.All }, await host.AdminTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Admin_disconnecting_a_client_ends_its_stream()
    {
        var user = Unique.Id("kicked");
        await using var kicked = await host.ConnectAsync(Query.User(user));
        await using var bystander = await host.ConnectAsync(Query.User(Unique.Id("stays")));

        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Uri.EscapeDataString(kicked.ClientId)}", await host.AdminTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await kicked.Events.WaitForEndAsync();
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 0, "the disconnected client gone");
        var id = await host.PublishAsync("auth.after-kick", new { }, Audiences.All);
        await bystander.Events.WaitForIdAsync(id);
        bystander.Events.HasEnded.ShouldBeFalse();

        using var again = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Uri.EscapeDataString(kicked.ClientId)}", await host.AdminTokenAsync());
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Disconnecting_an_unknown_client_is_404()
    {
        using var response = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Uri.EscapeDataString("no-such-client")}", await host.AdminTokenAsync());

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Disconnecting_a_client_needs_the_admin_role()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("safe")));

        using (var asPublisher = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Uri.EscapeDataString(client.ClientId)}", await host.PublisherTokenAsync()))
        {
            await asPublisher.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var anonymous = await host.SendAsync(HttpMethod.Delete, $"api/sse/clients/{Uri.EscapeDataString(client.ClientId)}", ""))
        {
            await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        var id = await host.PublishAsync("auth.still-here", new { }, Audiences.Clients(client.ClientId));
        await client.Events.WaitForIdAsync(id);
    }

    private static string UnsignedToken(string userId)
    {
        static string Part(object value) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "JWT" }) + "." + Part(new { sub = userId, role = "admin", iss = "beacon", aud = "beacon", nbf = now - 60, exp = now + 600 }) + ".";
    }
}
