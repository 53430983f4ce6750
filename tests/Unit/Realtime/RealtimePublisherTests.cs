using Beacon.Application.Common.Exceptions;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Bus;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Beacon.UnitTests.Realtime;

public sealed class RealtimePublisherTests
{
    private readonly IEventBus _bus = Substitute.For<IEventBus>();
    private readonly RealtimePublisher _publisher;

    public RealtimePublisherTests()
    {
        _bus.PublishAsync(default!, default!, default).ReturnsForAnyArgs(ValueTask.FromResult("id-1"));
        _publisher = new RealtimePublisher(_bus, Options.Create(new RealtimeOptions { MaxPayloadBytes = 100 }));
    }

    [Fact]
    public async Task A_valid_event_goes_to_the_bus_and_its_id_comes_back()
    {
        (await _publisher.PublishAsync(RealtimeEvent.Create("ok", new { a = 1 }), Audience.All)).ShouldBe("id-1");
        await _bus.ReceivedWithAnyArgs(1).PublishAsync(default!, default!, default);
    }

    [Fact]
    public async Task An_invalid_type_name_is_refused_before_the_bus()
    {
        await Should.ThrowAsync<ValidationException>(async () => await _publisher.PublishAsync(RealtimeEvent.Create("Bad Name", 1), Audience.All));
        await _bus.DidNotReceiveWithAnyArgs().PublishAsync(default!, default!, default);
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_refused_before_the_bus()
    {
        var ex = await Should.ThrowAsync<PayloadTooLargeException>(async () =>
            await _publisher.PublishAsync(RealtimeEvent.Create("big", new string('x', 200)), Audience.All));
        ex.LimitBytes.ShouldBe(100);
        await _bus.DidNotReceiveWithAnyArgs().PublishAsync(default!, default!, default);
    }
}
