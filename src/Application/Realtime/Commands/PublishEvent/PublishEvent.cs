using System.Text.Json;
using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Realtime.Commands.PublishEvent;

/// <summary>
/// The audience of a published event as it arrives over HTTP: exactly one member is set.
/// </summary>
/// <param name="All">true: every connection.</param>
/// <param name="Users">User ids.</param>
/// <param name="Topics">Topic names.</param>
/// <param name="Clients">Client (connection) ids.</param>
/// <param name="Metadata">Key/value pairs a connection's metadata must contain.</param>
public sealed record AudienceSpec(
    bool? All = null,
    IReadOnlyList<string>? Users = null,
    IReadOnlyList<string>? Topics = null,
    IReadOnlyList<string>? Clients = null,
    IReadOnlyDictionary<string, string>? Metadata = null)
{
    /// <summary>How many members are set; a valid spec has exactly one.</summary>
    public int MembersSet =>
        (All == true ? 1 : 0) + (Users is null ? 0 : 1) + (Topics is null ? 0 : 1) + (Clients is null ? 0 : 1) + (Metadata is null ? 0 : 1);

    /// <summary>Converts a validated spec into an <see cref="Audience"/>.</summary>
    public Audience ToAudience() =>
        Users is not null ? Audience.Users(Users)
        : Topics is not null ? Audience.Topics(Topics)
        : Clients is not null ? Audience.Clients(Clients)
        : Metadata is not null ? Audience.Metadata(Metadata)
        : Audience.All;
}

/// <summary>Publish an event from another service: <c>POST /api/events</c>.</summary>
/// <param name="Type">The event type name.</param>
/// <param name="Data">The JSON payload.</param>
/// <param name="Audience">Who receives it.</param>
public sealed record PublishEventCommand(string? Type, JsonElement? Data, AudienceSpec? Audience) : ICommand<PublishEventResult>;

/// <summary>The id assigned to the published event.</summary>
/// <param name="Id">The SSE id clients see, usable as <c>Last-Event-ID</c>.</param>
public sealed record PublishEventResult(string Id);

/// <summary>Handles <see cref="PublishEventCommand"/>.</summary>
public sealed class PublishEventHandler(IRealtimePublisher publisher) : ICommandHandler<PublishEventCommand, PublishEventResult>
{
    /// <inheritdoc />
    public async ValueTask<PublishEventResult> Handle(PublishEventCommand command, CancellationToken cancellationToken)
    {
        RealtimeEvent realtimeEvent;
        try
        {
            realtimeEvent = RealtimeEvent.FromJson(command.Type!, command.Data ?? default);
        }
        catch (JsonException)
        {
            // The JSON parser accepts an escaped lone surrogate ("\ud800"); no UTF-8 payload can hold it.
            throw new ValidationException("data", "'data' holds a string or name that is not valid Unicode: an unpaired surrogate escape such as \\ud800.");
        }

        var id = await publisher.PublishAsync(realtimeEvent, command.Audience!.ToAudience(), cancellationToken);
        return new PublishEventResult(id);
    }
}
