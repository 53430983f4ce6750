using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Beacon.IntegrationTests.Sse;

public sealed partial class ConnectTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Stream_starts_with_the_connected_event_describing_the_connection()
    {
        var user = Unique.Id("ada");
        var before = DateTimeOffset.UtcNow;

        await using var client = await host.ConnectAsync(Query.User(user));

        var connected = client.Events.All[0];
        connected.Type.ShouldBe("connected");
        connected.Id.ShouldNotBeNull("a new stream's connected carries its resume point: the newest event when it opened");
        client.Connected.ClientId.ShouldNotBeNullOrWhiteSpace();
        client.Connected.UserId.ShouldBe(user);
        client.Connected.NodeId.ShouldNotBeNullOrWhiteSpace();
        client.Connected.HeartbeatSeconds.ShouldBe(1);
        client.Connected.ServerTime.ShouldBeInRange(before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task Anonymous_connection_without_a_user_has_a_null_user_id()
    {
        await using var client = await host.ConnectAsync();

        client.Connected.UserId.ShouldBeNull();
        client.Connected.ClientId.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Each_connection_gets_its_own_client_id()
    {
        var user = Unique.Id("two-tabs");
        await using var first = await host.ConnectAsync(Query.User(user));
        await using var second = await host.ConnectAsync(Query.User(user));

        first.ClientId.ShouldNotBe(second.ClientId);
        first.Connected.NodeId.ShouldBe(second.Connected.NodeId);
    }

    [Fact]
    public async Task Stream_response_has_event_stream_headers()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("headers")));

        var response = client.Response;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        response.Content.Headers.ContentType.ToString().ShouldBe("text/event-stream; charset=utf-8");
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        response.Headers.CacheControl.NoTransform.ShouldBeTrue();
        response.Headers.GetValues("X-Accel-Buffering").ShouldBe(["no"]);
        response.Content.Headers.ContentEncoding.ShouldBeEmpty("a compressed stream would be buffered");
    }

    [Fact]
    public async Task First_bytes_on_the_wire_are_the_retry_hint_then_the_connected_frame()
    {
        await using var client = await host.OpenStreamAsync(Query.User(Unique.Id("raw")), new SseOptions(Read: false));
        client.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var stream = await client.Response.Content.ReadAsStreamAsync();

        // Read raw bytes, no parser, until two frames are complete (each ends with a blank line).
        var text = string.Empty;
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(EventCollector.DefaultTimeout);
        while (text.Split("\n\n").Length < 3)
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            read.ShouldBeGreaterThan(0, $"the stream ended after: {text}");
            text += Encoding.UTF8.GetString(buffer, 0, read);
        }

        text.ShouldStartWith("retry: 3000\n\nid: ");
        var connectedFrame = text.Split("\n\n")[1];
        var lines = connectedFrame.Split('\n');
        lines.Length.ShouldBe(3, $"the connected frame is one id, one event and one data line: {connectedFrame}");
        lines[0].ShouldMatch("^id: [0-9a-f]+-[0-9]+$");
        lines[1].ShouldBe("event: connected");
        lines[2].ShouldStartWith("data: {");
        text.ShouldNotContain("\r");
    }

    [Fact]
    public async Task Ping_arrives_on_the_configured_one_second_interval_without_an_id()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("ping")));

        // With the 30 s default, three pings would take over a minute.
        await client.Events.WaitForAsync(e => e.Count(x => x.Type == "ping") >= 3, "three pings");

        var pings = client.Events.OfType("ping");
        pings.ShouldAllBe(p => p.Id == null);
        pings[0].Json.TryGetProperty("time", out _).ShouldBeTrue(pings[0].Data);

        // Two intervals of 1 s: generous bounds for a loaded machine (timer ticks and thread pool delays).
        var twoIntervals = Stopwatch.GetElapsedTime(pings[0].ReceivedAt, pings[2].ReceivedAt);
        twoIntervals.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task Published_event_arrives_with_an_epoch_sequence_id_and_the_exact_payload()
    {
        var user = Unique.Id("payload");
        await using var client = await host.ConnectAsync(Query.User(user));

        var id = await host.PublishAsync("order.shipped", new { orderId = 42, note = "line1\nline2", emoji = "🚀" }, Audiences.Users(user));

        var received = await client.Events.WaitForIdAsync(id);
        received.Type.ShouldBe("order.shipped");
        EventIdPattern().IsMatch(id).ShouldBeTrue($"'{id}' is not <epoch>-<seq>");

        // The same JSON value, compact on one data: line: what a browser's JSON.parse(e.data) sees.
        var expected = JsonNode.Parse("""{"orderId":42,"note":"line1\nline2","emoji":"🚀"}""");
        JsonNode.DeepEquals(JsonNode.Parse(received.Data), expected).ShouldBeTrue(received.Data);
        received.Data.ShouldNotContain("\n", Case.Sensitive, "compact JSON travels on one data: line");
        received.Data.ShouldStartWith("""{"orderId":42,""");
    }

    [Fact]
    public async Task Pretty_printed_payload_arrives_compact_on_one_data_line()
    {
        var user = Unique.Id("pretty");
        await using var client = await host.ConnectAsync(Query.User(user));

        using var response = await host.PostEventJsonAsync($$"""
            {
              "type": "pretty",
              "data": {
                "lines": [ 1,
                           2 ]
              },
              "audience": { "users": [ "{{user}}" ] }
            }
            """);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var received = await client.Events.WaitForEventAsync("pretty");
        received.Data.ShouldBe("""{"lines":[1,2]}""");
    }

    [Fact]
    public async Task Event_ids_increase_in_publish_order()
    {
        var user = Unique.Id("order");
        await using var client = await host.ConnectAsync(Query.User(user));

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await host.PublishAsync("tick", new { i }, Audiences.Users(user)));
        }

        await client.Events.WaitForIdAsync(ids[^1]);
        client.Events.WithIds.Select(e => e.Id).ShouldBe(ids);
        ids.Select(Sequence).ShouldBeInOrder(SortDirection.Ascending);
        ids.Select(i => i.Split('-')[0]).Distinct().Count().ShouldBe(1, "one epoch per process");
    }

    private static long Sequence(string id) => long.Parse(id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("^[0-9a-f]+-[1-9][0-9]*$")]
    private static partial Regex EventIdPattern();
}
