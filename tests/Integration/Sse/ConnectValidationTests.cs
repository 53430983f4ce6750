using System.Net;

namespace Beacon.IntegrationTests.Sse;

/// <summary>Bad stream parameters are refused with 400 problem+json before the stream starts.</summary>
public sealed class ConnectValidationTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Sixteen_metadata_parameters_are_accepted_and_seventeen_are_not()
    {
        var sixteen = Enumerable.Range(1, 16).Select(i => ($"k{i}", $"v{i}")).ToArray();
        await using (var ok = await host.ConnectAsync(Query.Of(sixteen)))
        {
            ok.Connected.ClientId.ShouldNotBeNull();
        }

        await using var tooMany = await host.OpenStreamAsync(Query.Of([.. sixteen, ("k17", "v17")]));
        (await tooMany.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("metadata").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Reserved_parameters_do_not_count_as_metadata()
    {
        var sixteen = Enumerable.Range(1, 16).Select(i => ($"k{i}", $"v{i}")).ToArray();

        await using var client = await host.ConnectAsync(Query.Of([.. sixteen, ("userId", Unique.Id("u")), ("topics", "a,b"), ("sessionId", "s1"), ("_", "123")]));

        client.Connected.UserId.ShouldNotBeNull();
    }

    [Fact]
    public async Task Metadata_value_of_256_characters_is_accepted_and_257_is_not()
    {
        await using (var ok = await host.ConnectAsync(Query.Of(("tenant", new string('v', 256)))))
        {
            ok.Connected.ClientId.ShouldNotBeNull();
        }

        await using var tooLong = await host.OpenStreamAsync(Query.Of(("tenant", new string('v', 257))));
        (await tooLong.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("tenant").ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("tenant=a&tenant=b", "tenant")]
    [InlineData("sessionId=a&sessionId=b", "sessionId")]
    [InlineData("lastEventId=a&lastEventId=b", "lastEventId")]
    public async Task Repeated_single_value_parameter_is_rejected(string query, string field)
    {
        await using var client = await host.OpenStreamAsync(query);

        (await client.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field).ShouldNotBeEmpty();
    }

    /// <summary>
    /// The resume point has the query's bounds whichever way it comes: an oversized <c>Last-Event-ID</c> header is a
    /// 400 naming it, not a resume point no history knows (answered with a reset).
    /// </summary>
    [Fact]
    public async Task A_Last_Event_ID_header_over_256_characters_is_rejected()
    {
        await using var tooLong = await host.OpenStreamAsync(Query.User(Unique.Id("u")), new SseOptions(LastEventId: new string('7', 257)));

        (await tooLong.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("Last-Event-ID").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Metadata_name_over_64_characters_is_rejected()
    {
        var name = new string('k', 65);

        await using var client = await host.OpenStreamAsync(Query.Of((name, "v")));

        (await client.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(name).ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("tenant", "a\u0000b")]
    [InlineData("tenant", "line\nbreak")]
    [InlineData("ten\u0007ant", "v")]
    public async Task Metadata_with_control_characters_is_rejected(string name, string value)
    {
        await using var client = await host.OpenStreamAsync(Query.Of((name, value)));

        (await client.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(name).ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("line\nbreak")]
    public async Task An_anonymous_user_id_with_control_characters_is_rejected(string userId)
    {
        await using var client = await host.OpenStreamAsync(Query.Of(("userId", userId)));

        (await client.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("userId").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Topic_with_control_characters_is_rejected()
    {
        await using var client = await host.OpenStreamAsync(Query.Of(("topics", "news,bad\ttopic")));

        (await client.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("topics").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Sixty_four_topics_are_accepted_and_sixty_five_are_not()
    {
        var topics = Enumerable.Range(1, 64).Select(i => $"t{i}").ToArray();
        await using (var ok = await host.ConnectAsync(Query.Of(("topics", string.Join(',', topics)))))
        {
            ok.Connected.ClientId.ShouldNotBeNull();
        }

        await using var tooMany = await host.OpenStreamAsync(Query.Of(("topics", string.Join(',', topics.Append("t65")))));
        (await tooMany.Response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("topics").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Refused_stream_is_not_counted_as_a_connection()
    {
        var user = Unique.Id("refused");

        await using var client = await host.OpenStreamAsync(Query.Of(("userId", user), ("tenant", new string('v', 300))));

        client.Response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await host.GetStatsAsync()).ClientsOf(user).ShouldBe(0);
    }
}
