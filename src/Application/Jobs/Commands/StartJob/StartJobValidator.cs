using Beacon.Domain.Jobs;
using FluentValidation;

namespace Beacon.Application.Jobs.Commands.StartJob;

/// <summary>Rejects jobs that could not run as asked.</summary>
public sealed class StartJobValidator : AbstractValidator<StartJobCommand>
{
    /// <summary>Creates the validator.</summary>
    public StartJobValidator()
    {
        RuleFor(c => c.Type)
            .Must(t => JobTypes.TryParse(t, out _))
            .OverridePropertyName("type")
            .WithMessage("'type' must be one of: " + string.Join(", ", JobTypes.Names) + ".");
        RuleFor(c => c.Items)
            .InclusiveBetween(1, Job.MaxItems)
            .When(c => c.Items is not null)
            .OverridePropertyName("items")
            .WithMessage($"'items' must be 1-{Job.MaxItems}.");
        RuleFor(c => c.DelayMs)
            .InclusiveBetween(0, Job.MaxDelayMs)
            .When(c => c.DelayMs is not null)
            .OverridePropertyName("delayMs")
            .WithMessage($"'delayMs' must be 0-{Job.MaxDelayMs}.");
        RuleFor(c => (long)(c.Items ?? StartJobHandler.DefaultItems) * (c.DelayMs ?? StartJobHandler.DefaultDelayMs))
            .LessThanOrEqualTo(Job.MaxPlannedMs)
            .When(c => c.Items is null or (>= 1 and <= Job.MaxItems) && c.DelayMs is null or (>= 0 and <= Job.MaxDelayMs))
            .OverridePropertyName("delayMs")
            .WithMessage($"'items' × 'delayMs' must be at most {Job.MaxPlannedMs:N0} ms (one hour).");
        RuleFor(c => c.FailAtItem)
            .Must((c, fail) => fail >= 1 && fail <= (c.Items ?? StartJobHandler.DefaultItems))
            .When(c => c.FailAtItem is not null)
            .OverridePropertyName("failAtItem")
            .WithMessage("'failAtItem' must be one of the job's items (1..items), or null.");
    }
}
