using System.Net;
using System.Text.Json;

namespace Beacon.IntegrationTests.Events;

/// <summary>
/// <c>POST /api/events</c> refuses what it cannot deliver as asked, with a problem+json that names the field,
/// and publishes nothing: a connected client sees only the sentinel marker that follows.
/// </summary>
public sealed class PublishValidationTests(SmallPayloadHost host) : IClassFixture<SmallPayloadHost>
{
    private const int MaxPayloadBytes = 4096;

    [Fact]
    public async Task Valid_event_is_accepted_with_202_and_its_id()
    {
        await using var client = await host.ConnectAsync();

        using var response = await host.PostEventAsync(new { type = "valid_type.v1:created-at", data = new { ok = true }, audience = Audiences.All });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await client.Events.WaitForIdAsync(id)).Type.ShouldBe("valid_type.v1:created-at");
    }

    [Fact]
    public async Task Type_of_exactly_64_characters_is_accepted()
    {
        using var response = await host.PostEventAsync(new { type = new string('a', 64), data = new { }, audience = Audiences.All });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("bad\ntype", "newline")]
    [InlineData("bad\r\ndata: injected", "CRLF and a field")]
    [InlineData("", "empty")]
    [InlineData("Notification", "uppercase")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "65 characters")]
    [InlineData("with space", "space")]
    [InlineData("émoji", "non-ASCII")]
    [InlineData(null, "missing")]
    public async Task Invalid_event_type_is_rejected_with_400_and_nothing_is_published(string? type, string why)
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("watcher")));

        using var response = await host.PostEventAsync(new { type, data = new { why }, audience = Audiences.All });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.FieldErrors("type").ShouldNotBeEmpty();
        await ShouldHaveReceivedNothingAsync(client);
    }

    [Fact]
    public async Task Data_at_the_payload_limit_is_accepted()
    {
        // {"pad":"…"} is 10 bytes of JSON around the padding.
        using var response = await host.PostEventAsync(new { type = "big", data = new { pad = new string('x', MaxPayloadBytes - 10) }, audience = Audiences.All });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Data_over_the_payload_limit_is_rejected_with_413_and_nothing_is_published()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("watcher")));

        using var response = await host.PostEventAsync(new { type = "big", data = new { pad = new string('x', MaxPayloadBytes - 9) }, audience = Audiences.All });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain(MaxPayloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ShouldHaveReceivedNothingAsync(client);
    }

    [Fact]
    public async Task Body_far_over_the_limit_is_refused_with_413_while_it_streams_in()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { type = "huge", data = new { pad = new string('x', 2 * 1024 * 1024) }, audience = Audiences.All });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await host.PublisherTokenAsync());

        // As a well-behaved client sends a large body: the server answers 413 before the body is on the wire.
        // Without it, the server's early answer and connection close can race the client's write (a broken pipe
        // instead of a readable 413, on a loaded machine).
        request.Headers.ExpectContinue = true;
        using var response = await host.Api.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Missing_data_is_rejected_with_400()
    {
        using var response = await host.PostEventAsync(new { type = "no.data", audience = Audiences.All });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("data").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Missing_audience_is_rejected_with_400_and_nothing_is_published()
    {
        await using var client = await host.ConnectAsync();

        using var response = await host.PostEventAsync(new { type = "no.audience", data = new { } });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("audience").ShouldNotBeEmpty();
        await ShouldHaveReceivedNothingAsync(client);
    }

    [Theory]
    [InlineData("""{"all":true,"users":["alice"]}""", "audience")]
    [InlineData("""{"users":["alice"],"topics":["news"]}""", "audience")]
    [InlineData("""{}""", "audience")]
    [InlineData("""{"all":false}""", "audience")]
    [InlineData("""{"users":[]}""", "audience.users")]
    [InlineData("""{"users":[""]}""", "audience.users")]
    [InlineData("""{"topics":[" "]}""", "audience.topics")]
    [InlineData("""{"clients":[]}""", "audience.clients")]
    [InlineData("""{"metadata":{}}""", "audience.metadata")]
    public async Task Audience_that_is_not_exactly_one_valid_member_is_rejected_with_400(string audience, string field)
    {
        await using var client = await host.ConnectAsync(Query.User("alice"));

        using var response = await host.PostEventJsonAsync($$"""{"type":"bad.audience","data":{},"audience":{{audience}}}""");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
        await ShouldHaveReceivedNothingAsync(client);
    }

    [Theory]
    [InlineData("""{"text":"\ud800"}""", "a lone high surrogate")]
    [InlineData("""{"text":"\udc00abc"}""", "a lone low surrogate")]
    [InlineData("""{"\ud800":1}""", "in a property name")]
    [InlineData("""["ok",{"deep":["\udbff"]}]""", "nested")]
    public async Task Data_holding_an_unpaired_surrogate_is_rejected_with_400_and_nothing_is_published(string data, string why)
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("watcher")));

        using var response = await host.PostEventJsonAsync($$$"""{"type":"surrogate","data":{{{data}}},"audience":{"all":true}}""");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("data").ShouldNotBeEmpty(why);
        await ShouldHaveReceivedNothingAsync(client);
    }

    [Theory]
    [InlineData("FF", "a byte no UTF-8 text holds")]
    [InlineData("C328", "a sequence cut short")]
    [InlineData("C0AF", "an overlong encoding")]
    [InlineData("EDA080", "an encoded surrogate")]
    [InlineData("F4908080", "a code point above U+10FFFF")]
    public async Task Data_holding_bytes_that_are_not_utf8_is_rejected_with_400_and_nothing_is_published(string hex, string why)
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("watcher")));
        byte[] body = [.. "{\"type\":\"bad.utf8\",\"data\":{\"text\":\"a"u8, .. Convert.FromHexString(hex), .. "b\"},\"audience\":{\"all\":true}}"u8];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };

        using var response = await host.PostEventContentAsync(content);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace(why);
        await ShouldHaveReceivedNothingAsync(client);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"type":"x","data":{},"audience":{"all":true}""")]
    [InlineData("""{"type":5,"data":{},"audience":{"all":true}}""")]
    [InlineData("""{"type":"x","data":{},"audience":{"users":"alice"}}""")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Malformed_json_is_rejected_with_400_problem(string body)
    {
        using var response = await host.PostEventJsonAsync(body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    // The errors table's shape, as on every other route with a body: not System.Text.Json's messages, which named
    // the app's own types ("could not be converted to Beacon.Application...AudienceSpec").
    [Theory]
    [InlineData("""{"type":5,"data":{},"audience":{"all":true}}""", "type")]
    [InlineData("""{"type":"x","data":{},"audience":{"users":"alice"}}""", "audience.users")]
    [InlineData("""{"type":"x","data":{},"audience":{"metadata":{"tenant":1}}}""", "audience.metadata.tenant")]
    [InlineData("""{"type":"x","data":{},"audience":"all"}""", "audience")]
    public async Task A_value_of_the_wrong_json_type_is_a_400_naming_its_path(string body, string field)
    {
        using var response = await host.PostEventJsonAsync(body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([field], customMessage: problem.ToString());
        problem.ToString().ShouldNotContain("Beacon.");
    }

    [Theory]
    [InlineData("{", "The body is not valid JSON.")]
    [InlineData("not json", "The body is not valid JSON.")]
    [InlineData("[]", "The body is not a JSON object of the expected shape.")]
    [InlineData("", "A JSON body is required.")]
    public async Task A_body_that_is_not_the_expected_json_says_so_as_on_every_route(string body, string detail)
    {
        using var response = await host.PostEventJsonAsync(body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().ShouldBe(detail, problem.ToString());
    }

    [Fact]
    public async Task Body_that_is_not_json_content_is_rejected_with_415()
    {
        using var response = await host.PostEventJsonAsync("""{"type":"x","data":{},"audience":{"all":true}}""", contentType: "text/plain");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        problem.GetProperty("title").GetString().ShouldBe("Send the event as application/json.", "the route's own problem, not routing's");
    }

    /// <summary>Who may publish is checked before what was sent: without a token, a non-JSON body is a 401 too.</summary>
    [Fact]
    public async Task Without_a_token_a_body_that_is_not_json_is_401()
    {
        using var response = await host.PostEventJsonAsync("not json", token: string.Empty, contentType: "text/plain");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>The sentinel: after a broadcast marker arrives, the client must have received no other event.</summary>
    private async Task ShouldHaveReceivedNothingAsync(SseClient client)
    {
        await host.BroadcastMarkerAndWaitAsync(client);
        client.Events.WithIds.Select(e => e.Type).ShouldBe(["test.marker"], "a rejected event must not be published");
    }
}
