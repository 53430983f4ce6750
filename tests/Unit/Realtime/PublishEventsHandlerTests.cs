using System.Text.Json;
using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime.Commands.PublishEvent;
using Beacon.Application.Realtime.Commands.PublishEvents;
using Mediator;
using NSubstitute;

namespace Beacon.UnitTests.Realtime;

/// <summary>A batch stopped by a dependency part way says what it had published; one stopped at its first event is the plain failure.</summary>
public sealed class PublishEventsHandlerTests
{
    private static readonly JsonElement Data = JsonDocument.Parse("{}").RootElement;
    private readonly ISender _sender = Substitute.For<ISender>();
    private readonly IRealtimePublisher _publisher = Substitute.For<IRealtimePublisher>();
    private readonly PublishEventsHandler _handler;
    private int _sent;

    public PublishEventsHandlerTests()
    {
        _publisher.MaxPayloadBytes.Returns(64 * 1024);
        _handler = new PublishEventsHandler(_sender, _publisher);
    }

    [Fact]
    public async Task A_dependency_failing_part_way_leaves_the_published_events_listed()
    {
        FailAt(3, new ServiceUnavailableException("Redis is unavailable.", TimeSpan.FromSeconds(5)));

        var stopped = await Should.ThrowAsync<BatchInterruptedException>(_handler.Handle(Batch(4), CancellationToken.None).AsTask());

        stopped.Published.Select(p => p.Id).ShouldBe(["e-1", "e-2"]);
        stopped.Failure.ShouldBeOfType<ServiceUnavailableException>();
        _sent.ShouldBe(3, "nothing is sent after the failure");
    }

    [Fact]
    public async Task A_failure_at_the_first_event_is_the_plain_failure()
    {
        FailAt(1, new ConflictException("in progress"));

        await Should.ThrowAsync<ConflictException>(_handler.Handle(Batch(2), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task A_payload_over_the_limit_anywhere_is_refused_before_anything_is_sent()
    {
        _publisher.MaxPayloadBytes.Returns(10);
        var batch = new PublishEventsCommand([Event(), new BatchedEvent("x", JsonDocument.Parse("""{"text":"far too long"}""").RootElement, new AudienceSpec(All: true))]);

        await Should.ThrowAsync<PayloadTooLargeException>(_handler.Handle(batch, CancellationToken.None).AsTask());
        await _sender.DidNotReceive().Send(Arg.Any<PublishEventCommand>(), Arg.Any<CancellationToken>());
    }

    private void FailAt(int attempt, Exception failure) =>
        _sender.Send(Arg.Any<PublishEventCommand>(), Arg.Any<CancellationToken>())
            .Returns(_ => ++_sent == attempt ? throw failure : ValueTask.FromResult(new PublishEventResult($"e-{_sent}")));

    private static PublishEventsCommand Batch(int count) => new(Enumerable.Range(0, count).Select(_ => Event()).ToArray());

    private static BatchedEvent Event() => new("batch.n", Data, new AudienceSpec(All: true));
}
