using System.Net;
using System.Text.Json;
using Beacon.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Client;

/// <summary>
/// <see cref="BeaconPublisher"/> against a real Beacon over HTTP: a retry after a lost answer publishes the event once,
/// refusals become <see cref="BeaconPublishException"/>s, and what the server asks to be retried is retried.
/// </summary>
public sealed class BeaconPublisherTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Publishes_to_the_audience_and_returns_the_id_subscribers_see()
    {
        var user = Unique.Id("client");
        await using var stream = await host.ConnectAsync(Query.User(user));
        var (publisher, _) = Publisher();

        var published = await publisher.PublishAsync("order.shipped", new { OrderId = 42, Carrier = "DHL" }, BeaconAudience.Users(user));

        published.Replayed.ShouldBeFalse();
        var received = await stream.Events.WaitForIdAsync(published.Id);
        received.Type.ShouldBe("order.shipped");
        JsonDocument.Parse(received.Data).RootElement.GetProperty("orderId").GetInt32().ShouldBe(42);
    }

    [Fact]
    public async Task A_retry_after_an_answer_lost_on_the_way_back_publishes_the_event_once()
    {
        var user = Unique.Id("lost-answer");
        await using var stream = await host.ConnectAsync(Query.User(user));
        var (publisher, wire) = Publisher();
        wire.LoseNextAnswer = true;

        var published = await publisher.PublishAsync("order.paid", new { n = 1 }, BeaconAudience.Users(user));

        wire.Attempts.ShouldBe(2, "the lost answer is retried");
        wire.Keys.Distinct().Count().ShouldBe(1, "every attempt of one publish carries the same Idempotency-Key");
        published.Replayed.ShouldBeTrue("the second attempt is answered with the first one's id");
        await stream.Events.WaitForIdAsync(published.Id);
        await host.BroadcastMarkerAndWaitAsync(stream);
        stream.Events.OfType("order.paid").Count.ShouldBe(1, "published once, although sent twice");
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task An_answer_that_asks_to_retry_is_retried_and_then_publishes(HttpStatusCode first)
    {
        var user = Unique.Id("retried");
        await using var stream = await host.ConnectAsync(Query.User(user));
        var (publisher, wire) = Publisher();
        wire.AnswerNextWith = first;

        var published = await publisher.PublishAsync("order.retried", new { }, BeaconAudience.Users(user));

        wire.Attempts.ShouldBe(2);
        await stream.Events.WaitForIdAsync(published.Id);
    }

    [Fact]
    public async Task A_batch_whose_answer_is_lost_is_sent_again_and_every_event_arrives_once_in_order()
    {
        var user = Unique.Id("batch");
        await using var stream = await host.ConnectAsync(Query.User(user));
        var (publisher, wire) = Publisher();
        wire.LoseNextAnswer = true;

        var published = await publisher.PublishBatchAsync(
        [
            new BeaconBatchEvent("order.created", new { n = 1 }, BeaconAudience.Users(user)),
            new BeaconBatchEvent("order.paid", new { n = 2 }, BeaconAudience.Users(user)),
        ]);

        wire.Attempts.ShouldBe(2);
        published.ShouldAllBe(p => p.Replayed, "the second attempt is answered with the first one's ids");
        await stream.Events.WaitForIdAsync(published[1].Id);
        await host.BroadcastMarkerAndWaitAsync(stream);
        stream.Events.WithIds.Where(e => e.Type.StartsWith("order.", StringComparison.Ordinal)).Select(e => e.Id).ShouldBe(published.Select(p => p.Id));
    }

    [Fact]
    public async Task An_invalid_event_is_a_publish_exception_with_the_fields_and_is_not_retried()
    {
        var (publisher, wire) = Publisher();

        var refused = await Should.ThrowAsync<BeaconPublishException>(() => publisher.PublishAsync("connected", new { }, BeaconAudience.Everyone));

        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Errors.Keys.ShouldContain("type");
        refused.NothingPublished.ShouldBeTrue();
        wire.Attempts.ShouldBe(1, "a client error is not retried");
    }

    [Fact]
    public async Task A_token_without_the_publisher_role_is_a_403()
    {
        var userToken = await host.TokenAsync(Unique.Id("not-a-publisher"), "user");
        var (publisher, wire) = Publisher(_ => ValueTask.FromResult(userToken));

        var refused = await Should.ThrowAsync<BeaconPublishException>(() => publisher.PublishAsync("order.x", new { }, BeaconAudience.Topics("t")));

        refused.Status.ShouldBe(HttpStatusCode.Forbidden);
        wire.Attempts.ShouldBe(1);
    }

    private (BeaconPublisher Publisher, Wire Wire) Publisher(Func<CancellationToken, ValueTask<string>>? tokens = null)
    {
        var wire = new Wire();
        var services = new ServiceCollection();
        services.AddBeaconPublisher(
                o =>
                {
                    o.BaseAddress = host.BaseAddress;
                    o.TokenProvider = tokens ?? (async _ => await host.PublisherTokenAsync());
                },
                r => r.Retry.Delay = TimeSpan.FromMilliseconds(20))
            .AddHttpMessageHandler(() => wire);
        return (services.BuildServiceProvider().GetRequiredService<BeaconPublisher>(), wire);
    }

    /// <summary>The network between the publisher and Beacon: it records attempts and can fail one on purpose.</summary>
    private sealed class Wire : DelegatingHandler
    {
        private int _attempts;

        public bool LoseNextAnswer { get; set; }

        public HttpStatusCode? AnswerNextWith { get; set; }

        public int Attempts => _attempts;

        public List<string> Keys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            lock (Keys)
            {
                if (request.Headers.TryGetValues("Idempotency-Key", out var key))
                {
                    Keys.Add(key.Single());
                }
            }

            if (AnswerNextWith is { } status)
            {
                AnswerNextWith = null;
                var refusal = new HttpResponseMessage(status) { RequestMessage = request };
                refusal.Headers.RetryAfter = new(TimeSpan.Zero);
                return refusal;
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (LoseNextAnswer)
            {
                // The server accepted the event; its answer never reaches the publisher.
                LoseNextAnswer = false;
                response.Dispose();
                throw new HttpRequestException("The connection was reset.");
            }

            return response;
        }
    }
}
