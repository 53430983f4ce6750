using System.Text.Json;
using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Application.Realtime.Commands.PublishEvent;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Idempotency;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Beacon.UnitTests.Realtime;

/// <summary><c>POST /api/events</c> with an <c>Idempotency-Key</c>: the handler over the embedded store.</summary>
public sealed class IdempotentPublishTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly IRealtimePublisher _publisher = Substitute.For<IRealtimePublisher>();
    private readonly IUser _caller = Substitute.For<IUser>();
    private readonly InMemoryIdempotencyStore _store;
    private readonly PublishEventHandler _handler;
    private int _published;

    public IdempotentPublishTests()
    {
        _store = new InMemoryIdempotencyStore(Options.Create(new RealtimeOptions { IdempotencyWindowSeconds = 300 }), _clock);
        _caller.Id.Returns("publisher-1");
        _publisher.PublishAsync(Arg.Any<RealtimeEvent>(), Arg.Any<Audience>(), Arg.Any<CancellationToken>())
            .Returns(_ => ValueTask.FromResult($"e-{Interlocked.Increment(ref _published)}"));
        _handler = new PublishEventHandler(_publisher, _store, _caller);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_event_gets_the_first_id_and_publishes_nothing()
    {
        var first = await _handler.Handle(Command("k-1"), CancellationToken.None);
        var retry = await _handler.Handle(Command("k-1"), CancellationToken.None);

        first.ShouldBe(new PublishEventResult("e-1"));
        retry.ShouldBe(new PublishEventResult("e-1", Replayed: true));
        _published.ShouldBe(1);
        (await _handler.Handle(Command(null), CancellationToken.None)).Id.ShouldBe("e-2", "no key, no deduplication");
    }

    [Fact]
    public async Task The_same_key_for_another_event_is_refused_and_another_publishers_key_is_its_own()
    {
        await _handler.Handle(Command("k-1"), CancellationToken.None);

        var reused = await Should.ThrowAsync<ValidationException>(() => _handler.Handle(Command("k-1", n: 2), CancellationToken.None).AsTask());
        reused.Errors.Keys.ShouldContain("Idempotency-Key");

        _caller.Id.Returns("publisher-2");
        (await _handler.Handle(Command("k-1", n: 2), CancellationToken.None)).ShouldBe(new PublishEventResult("e-2"));
    }

    [Fact]
    public async Task Publishers_whose_ids_and_keys_hold_colons_do_not_share_keys()
    {
        _caller.Id.Returns("team:evil");
        (await _handler.Handle(Command("order-42"), CancellationToken.None)).ShouldBe(new PublishEventResult("e-1"));

        // Another publisher's key ("events:team" + ":evil:order-42" would have been the same text) is not this one's.
        _caller.Id.Returns("team");
        (await _handler.Handle(Command("evil:order-42", n: 2), CancellationToken.None)).ShouldBe(new PublishEventResult("e-2"));
        (await _handler.Handle(Command("evil:order-42", n: 2), CancellationToken.None)).ShouldBe(new PublishEventResult("e-2", Replayed: true));
    }

    [Fact]
    public async Task A_payload_no_utf8_can_hold_is_a_400_about_data_and_claims_no_key()
    {
        var broken = new PublishEventCommand("test.event", JsonDocument.Parse("{\"\\ud800\":1}").RootElement, new AudienceSpec(All: true), "k-1");

        var refused = await Should.ThrowAsync<ValidationException>(() => _handler.Handle(broken, CancellationToken.None).AsTask());
        refused.Errors.Keys.ShouldBe(["data"]);
        (await _handler.Handle(Command("k-1"), CancellationToken.None)).ShouldBe(new PublishEventResult("e-1"));
    }

    [Fact]
    public async Task A_failed_publish_lets_its_key_go_so_the_retry_publishes()
    {
        _publisher.PublishAsync(Arg.Any<RealtimeEvent>(), Arg.Any<Audience>(), Arg.Any<CancellationToken>())
            .Returns(_ => ValueTask.FromException<string>(new ServiceUnavailableException("Redis is down", TimeSpan.FromSeconds(5))), _ => ValueTask.FromResult("e-9"));

        await Should.ThrowAsync<ServiceUnavailableException>(() => _handler.Handle(Command("k-1"), CancellationToken.None).AsTask());
        (await _handler.Handle(Command("k-1"), CancellationToken.None)).ShouldBe(new PublishEventResult("e-9"));
    }

    [Fact]
    public async Task A_request_still_running_makes_its_retry_a_conflict_until_the_claim_lapses()
    {
        var stuck = new TaskCompletionSource<string>();
        _publisher.PublishAsync(Arg.Any<RealtimeEvent>(), Arg.Any<Audience>(), Arg.Any<CancellationToken>())
            .Returns(_ => new ValueTask<string>(stuck.Task), _ => ValueTask.FromResult("e-2"));
        var first = _handler.Handle(Command("k-1"), CancellationToken.None).AsTask();

        await Should.ThrowAsync<ConflictException>(() => _handler.Handle(Command("k-1"), CancellationToken.None).AsTask());

        // The node that claimed it died: its claim does not hold the key for the whole window.
        _clock.Advance(IdempotencyEntry.PendingLifetime + TimeSpan.FromSeconds(1));
        (await _handler.Handle(Command("k-1"), CancellationToken.None)).ShouldBe(new PublishEventResult("e-2"));
        stuck.SetResult("e-1");
        await first;
    }

    [Fact]
    public async Task A_key_is_forgotten_once_its_window_has_passed()
    {
        await _handler.Handle(Command("k-1"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(299));
        (await _handler.Handle(Command("k-1"), CancellationToken.None)).Replayed.ShouldBeTrue();

        _clock.Advance(TimeSpan.FromSeconds(2));
        (await _handler.Handle(Command("k-1"), CancellationToken.None)).ShouldBe(new PublishEventResult("e-2"));
    }

    private static PublishEventCommand Command(string? key, int n = 1) =>
        new("test.event", JsonDocument.Parse($"{{\"n\":{n}}}").RootElement, new AudienceSpec(Users: ["u-1"]), key);
}
