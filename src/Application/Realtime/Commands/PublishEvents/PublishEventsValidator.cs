using Beacon.Application.Realtime.Commands.PublishEvent;
using FluentValidation;

namespace Beacon.Application.Realtime.Commands.PublishEvents;

/// <summary>Every event of a batch as <see cref="PublishEventValidator"/> checks one, with errors keyed <c>events[i].field</c>.</summary>
public sealed class PublishEventsValidator : AbstractValidator<PublishEventsCommand>
{
    /// <summary>The most events one batch may hold.</summary>
    public const int MaxEvents = 100;

    /// <summary>Creates the validator.</summary>
    public PublishEventsValidator()
    {
        RuleFor(c => c.Events)
            .Must(e => e is { Count: > 0 and <= MaxEvents })
            .OverridePropertyName("events")
            .WithMessage($"'events' lists 1-{MaxEvents} events.");

        RuleForEach(c => c.Events)
            .NotNull()
            .SetValidator(new BatchedEventValidator())
            .OverridePropertyName("events")
            .When(c => c.Events is { Count: > 0 and <= MaxEvents });
    }

    private sealed class BatchedEventValidator : AbstractValidator<BatchedEvent>
    {
        private readonly PublishEventValidator _single = new();

        public BatchedEventValidator() =>
            RuleFor(e => e).Custom((e, context) =>
            {
                foreach (var failure in _single.Validate(e.ToCommand()).Errors)
                {
                    var field = failure.PropertyName == PublishEventHandler.IdempotencyKeyHeader ? "idempotencyKey" : failure.PropertyName;
                    context.AddFailure(field, failure.ErrorMessage);
                }
            });
    }
}
