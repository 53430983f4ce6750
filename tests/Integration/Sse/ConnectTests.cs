using System.Net;
using System.Text;
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
        connected.Id.ShouldBeNull("connected is a control event: it must not move the client's Last-Event-ID");
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

        // Read until the connected frame is complete (its blank line), without relying on a parser.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(EventCollector.DefaultTimeout);
        while (!Encoding.UTF8.GetString(received.ToArray()).Contains("\n\nevent: connected\n", StringComparison.Ordinal)
               || Encoding.UTF8.GetString(received.ToArray()).Split("\n\n").Length < 3)
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            read.ShouldBeGreaterThan(0, "the stream ended before the connected frame was complete");
            received.Write(buffer, 0, read);
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        text.ShouldStartWith("retry: 3000\n\nevent: connected\ndata: {");
        var connectedFrame = text.Split("\n\n")[1];
        connectedFrame.Split('\n').Length.ShouldBe(2, $"the connected frame is one event line and one data line: {connectedFrame}");
        connectedFrame.ShouldNotContain("id:");
        connectedFrame.ShouldNotContain("\r");
    }

    [Fact]
    public async Task Ping_arrives_on_the_configured_interval_without_an_id()
    {
        await using var client = await host.ConnectAsync(Query.User(Unique.Id("ping")));
        var connectedAt = DateTime.UtcNow;

        // A 1 s interval: two pings well within 5 s (one alone could be a coincidence of timing).
        await client.Events.WaitForAsync(e => e.Count(x => x.Type == "ping") >= 2, "two pings", TimeSpan.FromSeconds(5));

        (DateTime.UtcNow - connectedAt).ShouldBeLessThan(TimeSpan.FromSeconds(5));
        var pings = client.Events.OfType("ping");
        pings.ShouldAllBe(p => p.Id == null);
        pings[0].Json.TryGetProperty("time", out _).ShouldBeTrue(pings[0].Data);
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
        // Same JSON value, compact (one data: line): what a browser's JSON.parse(e.data) sees.
        var expected = System.Text.Json.Nodes.JsonNode.Parse("""{"orderId":42,"note":"line1\nline2","emoji":"🚀"}""");
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(received.Data), expected).ShouldBeTrue(received.Data);
        received.Data.ShouldNotContain("\n", Case.Sensitive, "compact JSON travels on one data: line");
        received.Data.ShouldStartWith("""{"orderId":42,""");
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
