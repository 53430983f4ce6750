using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Events;

/// <summary>
/// <c>POST /api/events/batch</c>: several events in one request, published in order; a refused batch publishes
/// nothing; with keys in the body, sending the batch again publishes nothing twice.
/// </summary>
public sealed class PublishBatchTests(SmallPayloadHost host) : IClassFixture<SmallPayloadHost>
{
    [Fact]
    public async Task Publishes_every_event_in_order_to_its_own_audience()
    {
        string user = Unique.Id("batch"), topic = Unique.Id("topic");
        await using var reader = await host.ConnectAsync(Query.Of(("userId", user), ("topics", topic)));

        using var response = await PostAsync(new
        {
            events = new object[]
            {
                new { type = "batch.one", data = new { n = 1 }, audience = new { users = new[] { user } } },
                new { type = "batch.two", data = new { n = 2 }, audience = new { topics = new[] { topic } } },
                new { type = "batch.three", data = new { n = 3 }, audience = new { users = new[] { Unique.Id("someone-else") } } },
            },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await BeaconHostExtensions.DescribeAsync(response));
        var published = await EventsOf(response);
        published.Length.ShouldBe(3);
        published.ShouldAllBe(e => !e.Replayed);
        await reader.Events.WaitForIdAsync(published[1].Id);
        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.WithIds.Where(e => e.Type.StartsWith("batch.", StringComparison.Ordinal)).Select(e => e.Id)
            .ShouldBe([published[0].Id, published[1].Id], "in order, and nothing of another's audience");
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_is_a_400_naming_it_and_publishes_nothing()
    {
        var user = Unique.Id("refused");
        await using var reader = await host.ConnectAsync(Query.User(user));

        using var response = await PostAsync(new
        {
            events = new object[]
            {
                new { type = "batch.fine", data = new { }, audience = new { users = new[] { user } } },
                new { type = "connected", data = new { }, audience = new { users = new[] { user } } },
            },
        });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.FieldErrors("events[1].type").ShouldNotBeEmpty(problem.ToString());
        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.OfType("batch.fine").ShouldBeEmpty("a refused batch publishes nothing");
    }

    [Fact]
    public async Task A_payload_over_the_limit_anywhere_in_the_batch_is_a_413_and_publishes_nothing()
    {
        var user = Unique.Id("large");
        await using var reader = await host.ConnectAsync(Query.User(user));

        using var response = await PostAsync(new
        {
            events = new object[]
            {
                new { type = "batch.small", data = new { }, audience = new { users = new[] { user } } },
                new { type = "batch.large", data = new { text = new string('x', 5000) }, audience = new { users = new[] { user } } },
            },
        });

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.OfType("batch.small").ShouldBeEmpty("a refused batch publishes nothing");
    }

    [Fact]
    public async Task A_payload_with_bytes_that_are_not_utf8_is_a_400_naming_its_event_and_publishes_nothing()
    {
        var user = Unique.Id("utf8");
        await using var reader = await host.ConnectAsync(Query.User(user));
        var audience = System.Text.Encoding.UTF8.GetBytes($$"""{"users":["{{user}}"]}""");
        byte[] body =
        [
            .. """{"events":[{"type":"batch.fine","data":{},"audience":"""u8, .. audience,
            .. """},{"type":"batch.bad","data":{"text":"a"""u8, 0xFF, .. """b"},"audience":"""u8, .. audience, .. "}]}"u8,
        ];
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events/batch") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Authorization = new("Bearer", await host.PublisherTokenAsync());

        using var response = await host.Api.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.FieldErrors("events[1].data").ShouldNotBeEmpty(problem.ToString());
        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.OfType("batch.fine").ShouldBeEmpty("a refused batch publishes nothing");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task A_batch_of_none_or_more_than_100_events_is_a_400(int count)
    {
        var events = Enumerable.Range(0, count).Select(i => new { type = "batch.n", data = new { i }, audience = new { all = true } }).ToArray();

        using var response = await PostAsync(new { events });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("events").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Sent_again_with_keys_in_the_body_every_event_is_answered_with_its_first_id_and_delivered_once()
    {
        var user = Unique.Id("again");
        await using var reader = await host.ConnectAsync(Query.User(user));
        var body = new
        {
            events = new object[]
            {
                new { type = "batch.keyed", data = new { n = 1 }, audience = new { users = new[] { user } }, idempotencyKey = Guid.NewGuid().ToString() },
                new { type = "batch.keyed", data = new { n = 2 }, audience = new { users = new[] { user } }, idempotencyKey = Guid.NewGuid().ToString() },
            },
        };

        using var first = await PostAsync(body);
        using var again = await PostAsync(body);

        var firstIds = await EventsOf(first);
        var againIds = await EventsOf(again);
        againIds.Select(e => e.Id).ShouldBe(firstIds.Select(e => e.Id));
        againIds.ShouldAllBe(e => e.Replayed);
        await reader.Events.WaitForIdAsync(firstIds[1].Id);
        await host.BroadcastMarkerAndWaitAsync(reader);
        reader.Events.OfType("batch.keyed").Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_Idempotency_Key_header_is_a_400_that_says_where_keys_go()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events/batch")
        {
            Content = JsonContent.Create(new { events = new[] { new { type = "batch.x", data = new { }, audience = new { all = true } } } }),
        };
        request.Headers.Authorization = new("Bearer", await host.PublisherTokenAsync());
        request.Headers.Add("Idempotency-Key", "k1");
        using var response = await host.Api.SendAsync(request);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("Idempotency-Key").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Only_publishers_may_and_the_body_must_be_json()
    {
        var body = new { events = new[] { new { type = "batch.x", data = new { }, audience = new { all = true } } } };
        using (var asUser = await host.SendAsync(HttpMethod.Post, "api/events/batch", await host.TokenAsync(Unique.Id("user"), "user"), body))
        {
            await asUser.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events/batch") { Content = new StringContent("events", System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new("Bearer", await host.PublisherTokenAsync());
        using var text = await host.Api.SendAsync(request);
        await text.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    private async Task<HttpResponseMessage> PostAsync(object body) =>
        await host.SendAsync(HttpMethod.Post, "api/events/batch", await host.PublisherTokenAsync(), body);

    private static async Task<(string Id, bool Replayed)[]> EventsOf(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await BeaconHostExtensions.DescribeAsync(response));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("replayed").GetBoolean())).ToArray();
    }
}
