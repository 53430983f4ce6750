using FluentValidation;

namespace Beacon.Application.Realtime.Commands.PublishEvent;

/// <summary>Rejects events that could not be delivered as asked. Payload size is checked by the publisher, which knows the limit.</summary>
public sealed class PublishEventValidator : AbstractValidator<PublishEventCommand>
{
    /// <summary>The most ids or metadata pairs one audience may list.</summary>
    public const int MaxTargets = 1000;

    /// <summary>The longest id, topic, metadata key or value.</summary>
    public const int MaxTargetLength = 256;

    /// <summary>The longest <c>Idempotency-Key</c>.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Creates the validator.</summary>
    public PublishEventValidator()
    {
        RuleFor(c => c.IdempotencyKey)
            .Must(k => k!.Length is > 0 and <= MaxIdempotencyKeyLength && k.All(ch => ch is >= ' ' and <= '~'))
            .When(c => c.IdempotencyKey is not null)
            .OverridePropertyName(PublishEventHandler.IdempotencyKeyHeader)
            .WithMessage($"'{PublishEventHandler.IdempotencyKeyHeader}' is 1-{MaxIdempotencyKeyLength} printable ASCII characters (a UUID, say).");

        RuleFor(c => c.Type)
            .Must(EventTypeName.IsPublishable)
            .OverridePropertyName("type")
            .WithMessage("'type' " + EventTypeName.Rule + ".");

        RuleFor(c => c.Data)
            .NotNull()
            .OverridePropertyName("data")
            .WithMessage("'data' is required (use {} for an empty payload).");

        RuleFor(c => c.Audience)
            .NotNull()
            .OverridePropertyName("audience")
            .WithMessage("'audience' is required: {\"all\":true}, {\"users\":[...]}, {\"topics\":[...]}, {\"clients\":[...]} or {\"metadata\":{...}}.");

        When(c => c.Audience is not null, () =>
        {
            RuleFor(c => c.Audience!)
                .Must(a => a.MembersSet == 1)
                .OverridePropertyName("audience")
                .WithMessage("'audience' must set exactly one of all (true), users, topics, clients or metadata.");
            RuleFor(c => c.Audience!.Users).Must(BeValidIds!).When(c => c.Audience!.Users is not null)
                .OverridePropertyName("audience.users").WithMessage(IdsMessage);
            RuleFor(c => c.Audience!.Topics).Must(BeValidIds!).When(c => c.Audience!.Topics is not null)
                .OverridePropertyName("audience.topics").WithMessage(IdsMessage);
            RuleFor(c => c.Audience!.Clients).Must(BeValidIds!).When(c => c.Audience!.Clients is not null)
                .OverridePropertyName("audience.clients").WithMessage(IdsMessage);
            RuleFor(c => c.Audience!.Metadata).Must(BeValidMetadata!).When(c => c.Audience!.Metadata is not null)
                .OverridePropertyName("audience.metadata")
                .WithMessage($"must hold 1-{MaxTargets} pairs with non-empty keys and values of at most {MaxTargetLength} characters, without control characters.");
        });
    }

    private static string IdsMessage => $"must list 1-{MaxTargets} non-empty values of at most {MaxTargetLength} characters, without control characters.";

    private static bool BeValidIds(IReadOnlyList<string> ids) =>
        ids.Count is > 0 and <= MaxTargets && ids.All(IsValidTarget);

    private static bool BeValidMetadata(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Count is > 0 and <= MaxTargets && metadata.All(p => IsValidTarget(p.Key) && IsValidTarget(p.Value));

    /// <summary>Whether <paramref name="value"/> may name a user, topic or client of an audience, or a metadata key or value.</summary>
    /// <remarks>Control characters are refused: no stream can be opened with one in its user, topics or metadata, so an event addressed so would reach no one.</remarks>
    public static bool IsValidTarget(string? value) => !string.IsNullOrWhiteSpace(value) && value.Length <= MaxTargetLength && !value.Any(char.IsControl);
}
