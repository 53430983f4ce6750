namespace Beacon.Domain.Common;

/// <summary>Something that happened in the domain and that other parts of the system may react to.</summary>
public interface IDomainEvent
{
    /// <summary>When the event was raised.</summary>
    DateTimeOffset OccurredAt { get; }
}
