using System.Net;
using Beacon.IntegrationTests.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Persistence;

/// <summary>
/// PostgreSQL's text cannot hold a NUL character: a user id, notification title or message holding one was a 500 from
/// the database (a token's subject on every route that stores it, presence lookups too). User ids and notification
/// texts now refuse control characters as conversation titles and messages do: a 400 naming the field, a 401 for the
/// token, and nothing stored.
/// </summary>
public sealed class ControlCharacterTests(PostgresHost host) : IClassFixture<PostgresHost>
{
    [Theory]
    [InlineData("api/notifications", "publisher", """{"userIds":["nul\u0000user"],"title":"t","message":"m"}""", "userIds")]
    [InlineData("api/notifications", "publisher", """{"userIds":["bob"],"title":"t\u0000","message":"m"}""", "title")]
    [InlineData("api/notifications", "publisher", """{"userIds":["bob"],"title":"t","message":"m\u0000"}""", "message")]
    [InlineData("api/notifications", "publisher", """{"userIds":["bob"],"title":"t","message":"m\u001b[31m"}""", "message")]
    [InlineData("api/conversations", "user", """{"memberIds":["nul\u0000user"]}""", "memberIds")]
    public async Task A_control_character_in_a_stored_text_is_a_400_naming_the_field(string path, string role, string body, string field)
    {
        var caller = Unique.Id("control");
        using var response = await host.SendAsync(HttpMethod.Post, path, await host.TokenAsync(caller, role), rawBody: body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([field], customMessage: problem.ToString());
        (await host.WithDbAsync(async db => await db.Notifications.CountAsync(n => n.UserId == "bob" || n.UserId.StartsWith("nul")) + await db.Conversations.CountAsync(c => c.CreatedBy == caller))).ShouldBe(0);
    }

    [Fact]
    public async Task A_notification_message_keeps_its_line_breaks_and_tabs()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/notifications", await host.PublisherTokenAsync(), rawBody: """{"userIds":["lines"],"title":"t","message":"one\r\ntwo\tthree"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Presence_of_a_user_id_with_a_control_character_is_a_400()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "api/presence?users=a%00b,c", await host.TokenAsync(Unique.Id("control"), "user"));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("users").ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("POST", "api/jobs", """{"type":"import","items":1,"delayMs":0}""")]
    [InlineData("POST", "api/conversations", """{"memberIds":["bob"]}""")]
    [InlineData("GET", "api/notifications", null)]
    public async Task A_token_whose_subject_holds_a_control_character_is_a_401_that_says_why(string method, string path, string? body)
    {
        var token = Tokens.Sign(host.Setting("Auth:SigningKey")!, "nul\u0000sub", ["user"]);

        using var response = await host.SendAsync(new HttpMethod(method), path, token, rawBody: body);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("without control characters");
        (await host.WithDbAsync(db => db.Jobs.CountAsync(j => j.OwnerId.StartsWith("nul")))).ShouldBe(0);
    }

    [Fact]
    public async Task A_dev_token_is_not_issued_for_a_user_id_with_a_control_character()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/auth/dev-token", "", rawBody: """{"userId":"nul\u0000user"}""");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("userId").ShouldNotBeEmpty();
    }
}
