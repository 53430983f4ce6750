using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
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
/// <param name="IdempotencyKey">
/// The request's <c>Idempotency-Key</c> header (not part of the body): a retry with the same key and the same event
/// gets the first request's id, and nothing is published again.
/// </param>
public sealed record PublishEventCommand(
    string? Type,
    JsonElement? Data,
    AudienceSpec? Audience,
    [property: JsonIgnore] string? IdempotencyKey = null) : ICommand<PublishEventResult>;

/// <summary>The id assigned to the published event.</summary>
/// <param name="Id">The SSE id clients see, usable as <c>Last-Event-ID</c>.</param>
/// <param name="Replayed">Whether this is an earlier request's answer, for a retry with its <c>Idempotency-Key</c>.</param>
public sealed record PublishEventResult(string Id, [property: JsonIgnore] bool Replayed = false);

/// <summary>Handles <see cref="PublishEventCommand"/>.</summary>
public sealed class PublishEventHandler(IRealtimePublisher publisher, IIdempotencyStore idempotency, IUser caller) : ICommandHandler<PublishEventCommand, PublishEventResult>
{
    /// <summary>The header that carries <see cref="PublishEventCommand.IdempotencyKey"/>; errors about it are keyed by this name.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <inheritdoc />
    public async ValueTask<PublishEventResult> Handle(PublishEventCommand command, CancellationToken cancellationToken)
    {
        var realtimeEvent = ToEvent(command.Type!, command.Data ?? default, "data");
        var audience = command.Audience!.ToAudience();
        if (command.IdempotencyKey is not { } key)
        {
            return new PublishEventResult(await publisher.PublishAsync(realtimeEvent, audience, cancellationToken));
        }

        var scoped = ScopedKey(caller.Id, key);
        var fingerprint = Fingerprint(realtimeEvent, audience);
        var claim = await idempotency.ClaimAsync(scoped, fingerprint, cancellationToken);
        switch (claim.Status)
        {
            case IdempotencyClaimStatus.Completed:
                return new PublishEventResult(claim.Result!, Replayed: true);
            case IdempotencyClaimStatus.InProgress:
                throw new ConflictException("A request with this Idempotency-Key is still being processed; retry once it has been answered.");
            case IdempotencyClaimStatus.Mismatch:
                throw new ValidationException(IdempotencyKeyHeader, "This Idempotency-Key was used for a different event; use a new key for a new event.");
        }

        string id;
        try
        {
            id = await publisher.PublishAsync(realtimeEvent, audience, cancellationToken);
        }
        catch
        {
            // Nothing was published (or the caller got an error for it): a retry must be free to run.
            await idempotency.ReleaseAsync(scoped, CancellationToken.None);
            throw;
        }

        await idempotency.CompleteAsync(scoped, fingerprint, id, CancellationToken.None);
        return new PublishEventResult(id);
    }

    /// <summary>
    /// One publisher's keys, apart from every other's: the publisher's id is length-prefixed, so no choice of ids and
    /// keys (both may hold ':') makes two publishers' keys the same.
    /// </summary>
    internal static string ScopedKey(string? publisherId, string key) =>
        $"events:{publisherId?.Length ?? -1}:{publisherId}:{key}";

    /// <summary>The event as published; a payload no UTF-8 can hold is a 400 keyed <paramref name="field"/>.</summary>
    internal static RealtimeEvent ToEvent(string type, JsonElement data, string field)
    {
        // The JSON reader passes bytes that are not UTF-8 through inside strings and names, and writing the payload
        // out would turn them into U+FFFD: recipients would get other text than was sent, with no error to anyone.
        if (!Utf8.IsValid(JsonMarshal.GetRawUtf8Value(data)))
        {
            throw new ValidationException(field, "'data' holds bytes that are not valid UTF-8; send the body as UTF-8 text.");
        }

        try
        {
            return RealtimeEvent.FromJson(type, data);
        }
        catch (JsonException)
        {
            // The JSON parser accepts an escaped lone surrogate ("\ud800"); no UTF-8 payload can hold it.
            throw new ValidationException(field, "'data' holds a string or name that is not valid Unicode: an unpaired surrogate escape such as \\ud800.");
        }
    }

    /// <summary>
    /// What makes two requests the same event: type, payload (as published, compact UTF-8) and audience, hashed. Each
    /// part is length-prefixed, so no two different events hash the same input.
    /// </summary>
    private static string Fingerprint(RealtimeEvent realtimeEvent, Audience audience)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, realtimeEvent.Type);
        Append(hash, realtimeEvent.Utf8Json.Span);
        Append(hash, audience.Kind.ToString());
        foreach (var target in audience.Targets)
        {
            Append(hash, target);
        }

        foreach (var (name, value) in audience.MetadataFilter.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(hash, name);
            Append(hash, value);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    // UTF-8 with replacement: a lone surrogate in an id cannot make hashing fail.
    private static void Append(IncrementalHash hash, string text) => Append(hash, Encoding.UTF8.GetBytes(text));

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
