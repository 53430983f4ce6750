using System.Diagnostics;

namespace Beacon.IntegrationTests.Fallbacks;

/// <summary>Ids are shared by SSE, WebSocket and long-poll, so a client that switches transports resumes exactly.</summary>
public sealed class TransportSwitchTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Switching_sse_to_long_poll_to_websocket_and_back_while_events_flow_loses_and_repeats_nothing()
    {
        var user = Unique.Id("switch");
        var received = new List<ReceivedEvent>();
        var published = new List<string>();
        var sse = await host.ConnectAsync(Query.User(user));
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < 80; i++)
            {
                published.Add(await host.PublishAsync("update", new { n = i }, Audiences.Users(user)));
                await Task.Delay(10);
            }
        });

        // 1. SSE until a few events arrived, then the stream is cut (what the client parsed is what it has).
        await sse.Events.WaitForAsync(e => e.Count(x => x.Id is not null && x.Type != "connected") >= 5, "five events over SSE");
        await sse.DisposeAsync();
        received.AddRange(sse.Events.WithIds);

        // 2. Long-poll from the last id for a while.
        var clock = Stopwatch.StartNew();
        var cursor = received[^1].Id;
        var polls = 0;
        while (clock.Elapsed < TimeSpan.FromMilliseconds(400) || polls < 2)
        {
            var answer = await host.PollAsync(Query.User(user), after: cursor, wait: 1);
            received.AddRange(answer.Events);
            cursor = answer.Cursor ?? cursor;
            polls++;
        }

        // 3. WebSocket from the cursor.
        var ws = await WsClient.ConnectAsync(host, Query.Of(("userId", user), ("lastEventId", cursor!)));
        await ws.Events.WaitForAsync(e => e.Count(x => x.Id is not null) >= 3, "three events over the WebSocket");
        await ws.DisposeAsync();
        received.AddRange(ws.Events.WithIds);

        // 4. Back to SSE with Last-Event-ID until the publisher is done.
        await using var back = await host.ConnectAsync(Query.User(user), new SseOptions(LastEventId: received[^1].Id));
        await publishing;
        await back.Events.WaitForIdAsync(published[^1]);
        received.AddRange(back.Events.WithIds);

        polls.ShouldBeGreaterThanOrEqualTo(2);
        received.Select(e => e.Id).ShouldBe(published, "every event once, in order, across four transport switches");
        received.Select(e => e.Json.GetProperty("n").GetInt32()).ShouldBe(Enumerable.Range(0, 80));
    }

    [Fact]
    public async Task The_three_transports_see_one_burst_identically()
    {
        var user = Unique.Id("same");
        var topic = Unique.Id("topic");
        var query = Query.Of(("userId", user), ("topics", topic));
        await using var sse = await host.ConnectAsync(query);
        await using var ws = await WsClient.ConnectAsync(host, query);
        var start = await host.PollAsync(query);

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await host.PublishAsync(i % 2 == 0 ? "notification" : "progress", new { i }, i % 3 == 0 ? Audiences.Topics(topic) : Audiences.Users(user)));
        }

        await sse.Events.WaitForIdAsync(ids[^1]);
        await ws.Events.WaitForIdAsync(ids[^1]);
        var polled = new List<ReceivedEvent>();
        var cursor = start.Cursor;
        while (polled.Count < ids.Count)
        {
            var answer = await host.PollAsync(query, after: cursor, wait: 2);
            answer.Events.ShouldNotBeEmpty();
            polled.AddRange(answer.Events);
            cursor = answer.Cursor;
        }

        var expected = sse.Events.WithIds.Select(e => (e.Id, e.Type, e.Data)).ToArray();
        expected.Select(e => e.Id).ShouldBe(ids);
        ws.Events.WithIds.Select(e => (e.Id, e.Type, e.Data)).ShouldBe(expected);
        polled.Select(e => (e.Id, e.Type, e.Data)).ShouldBe(expected);
    }
}
