using System.Net;
using Beacon.IntegrationTests.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// A body the JSON binder cannot read is a 400 that tells the client what was wrong, naming the field when the
/// parser knows it, instead of ASP.NET Core's messages for the app's developer; nothing is stored.
/// </summary>
public sealed class RequestBodyErrorsTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Theory]
    [InlineData("api/jobs", """{"type":"import","items":"many"}""", "items")]
    [InlineData("api/jobs", """{"type":"import","items":99999999999}""", "items")]
    [InlineData("api/jobs", """{"type":"import","items":"20"}""", "items")]
    [InlineData("api/jobs", """{"type":"import","delayMs":"100"}""", "delayMs")]
    [InlineData("api/conversations", """{"memberIds":[1]}""", "memberIds[0]")]
    [InlineData("api/conversations", """{"memberIds":["bob"],"title":{"text":"x"}}""", "title")]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_its_field(string path, string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, path, await host.TokenAsync(Unique.Id("alice"), "user"), rawBody: body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([field], customMessage: problem.ToString());
        (await NothingStoredAsync()).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"type":""", "The body is not valid JSON.")]
    [InlineData("{not json", "The body is not valid JSON.")]
    [InlineData("[]", "The body is not a JSON object of the expected shape.")]
    [InlineData("", "A JSON body is required.")]
    [InlineData("null", "The body is not a JSON object of the expected shape.")]
    public async Task A_body_that_is_not_the_expected_json_says_so(string body, string detail)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/jobs", await host.TokenAsync(Unique.Id("alice"), "user"), rawBody: body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().ShouldBe(detail, problem.ToString());
        (await NothingStoredAsync()).ShouldBeTrue();
    }

    // Named as a validation error is: ASP.NET Core's own text ("Failed to bind parameter \"Nullable<int> page\" from
    // \"abc\".") is written for the app's developer, and a page past int's range is as out of range as page=0.
    [Theory]
    [InlineData("api/jobs?page=abc", "page")]
    [InlineData("api/jobs?page=99999999999", "page")]
    [InlineData("api/notifications?pageSize=1&pageSize=2", "pageSize")]
    [InlineData("api/notifications?unreadOnly=yes", "unreadOnly")]
    [InlineData("api/conversations/00000000-0000-0000-0000-000000000001/messages?before=abc", "before")]
    public async Task A_query_value_that_does_not_bind_is_a_400_naming_it(string pathAndQuery, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Get, pathAndQuery, await host.TokenAsync(Unique.Id("alice"), "user"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([field], customMessage: problem.ToString());
        problem.ToString().ShouldNotContain("Nullable");
    }

    private Task<bool> NothingStoredAsync() =>
        host.WithDbAsync(async db => await db.Jobs.CountAsync() == 0 && await db.Conversations.CountAsync() == 0);
}
