using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// The <c>charset</c> of a JSON body: one no decoder knows is a 415 problem on every route that reads JSON (ASP.NET
/// Core's JSON reader threw, a 500 anyone could cause, the anonymous page-view route included), and a quoted one
/// (<c>charset="utf-8"</c>, the same value to RFC 9110) is read as the bare value.
/// </summary>
public sealed class RequestCharsetTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    public static TheoryData<string, string, string, string> JsonRoutes => new()
    {
        { "POST", "api/events", "publisher", """{"type":"update","data":{},"audience":{"users":["nobody"]}}""" },
        { "POST", "api/notifications", "publisher", """{"userIds":["nobody"],"title":"t","message":"m"}""" },
        { "POST", "api/jobs", "user", """{"type":"import","items":1,"delayMs":0}""" },
        { "POST", "api/conversations", "user", """{"memberIds":["nobody"]}""" },
        { "PUT", "api/presence/me", "user", """{"status":"idle"}""" },
        { "POST", "api/system/announcements", "admin", """{"title":"t","message":"m"}""" },
        { "POST", "api/analytics/pageview", "", """{"path":"/charset"}""" },
        { "POST", "api/auth/dev-token", "", """{"userId":"charset"}""" },
    };

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_charset_no_decoder_knows_is_a_415_and_nothing_is_done(string method, string path, string role, string body)
    {
        var userId = Unique.Id("charset");
        using var response = await SendAsync(method, path, role.Length == 0 ? "" : await host.TokenAsync(userId, role), body, "application/json; charset=bogus");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("bogus");
        (await host.WithDbAsync(async db => await db.Jobs.CountAsync(j => j.OwnerId == userId) + await db.Conversations.CountAsync(c => c.CreatedBy == userId))).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_quoted_charset_is_read_as_the_bare_one(string method, string path, string role, string body)
    {
        using var response = await SendAsync(method, path, role.Length == 0 ? "" : await host.TokenAsync(Unique.Id("charset"), role), body, "application/json; charset=\"utf-8\"");

        ((int)response.StatusCode).ShouldBeInRange(200, 299, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_known_charset_other_than_utf8_is_still_read()
    {
        var body = """{"type":"update","data":{"text":"caf\u00e9"},"audience":{"users":["nobody"]}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=iso-8859-1");
        request.Headers.Authorization = new("Bearer", await host.PublisherTokenAsync());

        using var response = await host.Api.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string token, string body, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (token.Length > 0)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return await host.Api.SendAsync(request);
    }
}
