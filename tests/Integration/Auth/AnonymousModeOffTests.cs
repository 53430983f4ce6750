using System.Net;
using System.Net.Http.Headers;

namespace Beacon.IntegrationTests.Auth;

/// <summary>With <c>Realtime:AllowAnonymous</c> off (production), every stream needs a token and stats are private.</summary>
public sealed class AnonymousModeOffTests(NoAnonymousHost host) : IClassFixture<NoAnonymousHost>
{
    [Fact]
    public async Task Stream_without_a_token_is_refused_with_401_even_when_claiming_a_user()
    {
        await using var bare = await host.OpenStreamAsync();
        await bare.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        await using var claiming = await host.OpenStreamAsync(Query.User("alice"));
        await claiming.Response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("GET", "api/sse", "text/event-stream")]
    [InlineData("GET", "api/notifications/stream", "text/event-stream")]
    [InlineData("GET", "api/events", "application/json")]
    [InlineData("GET", "api/sse/stats", "application/json")]
    [InlineData("POST", "api/sse/demo", "application/json")]
    [InlineData("POST", "api/events", "application/json")]
    public async Task Every_401_carries_the_bearer_challenge_and_a_trace_id_whatever_the_client_accepts(string method, string path, string accept)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Accept.ParseAdd(accept);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await host.Api.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Select(h => h.Scheme).ShouldContain("Bearer", path);
        problem.TryGetProperty("traceId", out _).ShouldBeTrue($"{path}: {problem}");
    }

    [Fact]
    public async Task Stream_with_a_token_is_accepted()
    {
        var user = Unique.Id("signed-in");

        await using var client = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(user)));

        client.Connected.UserId.ShouldBe(user);
    }

    [Fact]
    public async Task Stats_need_a_token_and_show_a_user_only_their_own_connections()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        var aliceToken = await host.TokenAsync(alice);
        await using var aliceClient = await host.ConnectAsync(options: new SseOptions(Token: aliceToken));
        await using var bobClient = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(bob)));

        using (var anonymous = await host.Api.GetAsync("api/sse/stats"))
        {
            await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        var asAlice = await GetStatsAsync(aliceToken);
        asAlice.ClientsOf(alice).ShouldBe(1);
        asAlice.ClientsByUser.ShouldNotContainKey(bob);

        var asAdmin = await GetStatsAsync(await host.AdminTokenAsync());
        asAdmin.ClientsOf(alice).ShouldBe(1);
        asAdmin.ClientsOf(bob).ShouldBe(1);
    }

    [Fact]
    public async Task Demo_endpoint_sends_to_the_signed_in_user()
    {
        var user = Unique.Id("demo-user");
        var token = await host.TokenAsync(user);
        await using var client = await host.ConnectAsync(options: new SseOptions(Token: token));

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sse/demo") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await client.Events.WaitForEventAsync("error");
    }

    private async Task<Stats> GetStatsAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/sse/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Api.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<Stats>())!;
    }
}
