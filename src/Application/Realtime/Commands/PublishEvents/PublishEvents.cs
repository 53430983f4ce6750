using System.Text.Json;
using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime.Commands.PublishEvent;
using Mediator;

namespace Beacon.Application.Realtime.Commands.PublishEvents;

/// <summary>Publish several events in one request, in order: <c>POST /api/events/batch</c>.</summary>
/// <param name="Events">The events, 1 to <see cref="PublishEventsValidator.MaxEvents"/>.</param>
public sealed record PublishEventsCommand(IReadOnlyList<BatchedEvent>? Events) : ICommand<PublishEventsResult>;

/// <summary>One event of a batch: what <c>POST /api/events</c> takes, with its <c>Idempotency-Key</c> in the body.</summary>
/// <param name="Type">The event type name.</param>
/// <param name="Data">The JSON payload.</param>
/// <param name="Audience">Who receives it.</param>
/// <param name="IdempotencyKey">
/// Makes retrying the batch safe: an event whose key was published within the idempotency window is answered with its
/// first id and not published again, so a batch cut off half way can be sent again whole.
/// </param>
public sealed record BatchedEvent(string? Type, JsonElement? Data, AudienceSpec? Audience, string? IdempotencyKey = null)
{
    /// <summary>The event as <c>POST /api/events</c> takes it, with its key.</summary>
    public PublishEventCommand ToCommand() => new(Type, Data, Audience, IdempotencyKey);
}

/// <summary>The published events, in the order sent.</summary>
/// <param name="Events">Each event's id, and whether it was an earlier request's (its key had been published).</param>
public sealed record PublishEventsResult(IReadOnlyList<PublishedBatchEvent> Events);

/// <summary>One published event of a batch.</summary>
/// <param name="Id">The SSE id clients see.</param>
/// <param name="Replayed">Whether this is the id of an earlier publish with the event's <c>IdempotencyKey</c>; nothing was published again.</param>
public sealed record PublishedBatchEvent(string Id, bool Replayed);

/// <summary>
/// Handles <see cref="PublishEventsCommand"/>. Everything a client can get wrong (fields, keys, payload sizes) is checked
/// for every event before the first is published, so a refused batch publishes nothing. Then the events are published
/// one by one, in order, each as <c>POST /api/events</c> would; if a dependency fails part way, the answer says which
/// events were published (<see cref="BatchInterruptedException"/>).
/// </summary>
public sealed class PublishEventsHandler(ISender sender, IRealtimePublisher publisher) : ICommandHandler<PublishEventsCommand, PublishEventsResult>
{
    /// <inheritdoc />
    public async ValueTask<PublishEventsResult> Handle(PublishEventsCommand command, CancellationToken cancellationToken)
    {
        var events = command.Events!;
        for (var i = 0; i < events.Count; i++)
        {
            var size = PublishEventHandler.ToEvent(events[i].Type!, events[i].Data!.Value, $"events[{i}].data").Utf8Json.Length;
            if (size > publisher.MaxPayloadBytes)
            {
                throw new PayloadTooLargeException(size, publisher.MaxPayloadBytes);
            }
        }

        var published = new List<PublishedBatchEvent>(events.Count);
        foreach (var e in events)
        {
            try
            {
                var result = await sender.Send(e.ToCommand(), cancellationToken);
                published.Add(new PublishedBatchEvent(result.Id, result.Replayed));
            }
            catch (Exception ex) when (ex is ServiceUnavailableException or ConflictException && published.Count > 0)
            {
                throw new BatchInterruptedException(published, ex);
            }
        }

        return new PublishEventsResult(published);
    }
}
