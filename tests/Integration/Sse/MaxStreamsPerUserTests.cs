using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Beacon.IntegrationTests.Fallbacks;

namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// <c>Realtime:MaxStreamsPerUser</c> = 2: a user's third connection on the node, over any transport, is a 429 that says
/// when to retry, and other users are not affected.
/// </summary>
public sealed class MaxStreamsPerUserTests(TwoStreamsPerUserHost host) : IClassFixture<TwoStreamsPerUserHost>
{
    [Fact]
    public async Task A_users_third_connection_on_any_transport_gets_429_until_one_of_theirs_closes()
    {
        var user = Unique.Id("greedy");
        var first = await host.ConnectAsync(Query.User(user));
        await using var second = await host.ConnectAsync(Query.User(user));

        await using (var third = await host.OpenStreamAsync(Query.User(user)))
        {
            // Before reading the body: an admitted stream's never ends.
            third.Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            ShouldSayTooManyStreams(await third.Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests));
            var retryAfter = third.Response.Headers.RetryAfter?.Delta;
            retryAfter.ShouldNotBeNull("a 429 must say when to retry");
            retryAfter.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        }

        var poll = await host.PollAsync(Query.User(user));
        poll.Status.ShouldBe(HttpStatusCode.TooManyRequests, poll.Body);
        ShouldSayTooManyStreams(JsonDocument.Parse(poll.Body).RootElement);

        using (var socket = new ClientWebSocket())
        {
            var uri = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "api/ws", Query = Query.User(user) }.Uri;
            var refused = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
            refused.Message.ShouldContain("429");
        }

        (await host.GetStatsAsync()).ClientsOf(user).ShouldBe(2, "a refused connection is not counted");

        // Another user is not affected.
        await using (var other = await host.ConnectAsync(Query.User(Unique.Id("other"))))
        {
            await other.Events.WaitForEventAsync("connected");
        }

        // Once one of the user's streams closes, the next gets in.
        await first.DisposeAsync();
        await using (var next = await host.OpenOnceAdmittedAsync(Query.User(user), null, "the user's slot never freed up after one of their streams closed"))
        {
            await next.Events.WaitForEventAsync("connected");
        }
    }

    private static void ShouldSayTooManyStreams(JsonElement problem)
    {
        problem.GetProperty("title").GetString().ShouldBe("Too many open streams.");
        problem.GetProperty("detail").GetString()!.ShouldContain("Realtime:MaxStreamsPerUser");
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrWhiteSpace();
    }
}
