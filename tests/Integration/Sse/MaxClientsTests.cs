using System.Net;

namespace Beacon.IntegrationTests.Sse;

/// <summary><c>Realtime:MaxClients</c> = 3: the fourth connection is refused with a 503 that says when to retry.</summary>
public sealed class MaxClientsTests(ThreeClientsHost host) : IClassFixture<ThreeClientsHost>
{
    [Fact]
    public async Task Fourth_connection_gets_503_problem_with_retry_after_until_a_slot_frees_up()
    {
        var first = await host.ConnectAsync(Query.User(Unique.Id("a")));
        await using var second = await host.ConnectAsync(Query.User(Unique.Id("b")));
        await using var third = await host.ConnectAsync();

        await using (var fourth = await host.OpenStreamAsync(Query.User(Unique.Id("d"))))
        {
            var problem = await fourth.Response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
            var retryAfter = fourth.Response.Headers.RetryAfter;
            retryAfter.ShouldNotBeNull("a 503 must say when to retry");
            retryAfter.Delta.ShouldNotBeNull();
            retryAfter.Delta.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        }

        (await host.GetStatsAsync()).TotalClients.ShouldBe(3, "a refused connection is not counted");

        // Once a client leaves, the next one gets in.
        await first.DisposeAsync();
        await using (var next = await host.OpenOnceAdmittedAsync(Query.User(Unique.Id("e")), null, "a slot never freed up after a client left"))
        {
            await next.Events.WaitForEventAsync("connected");
        }
    }
}
