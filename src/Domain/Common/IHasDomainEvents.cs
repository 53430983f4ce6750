namespace Beacon.Domain.Common;

/// <summary>An entity that collects domain events; lets the persistence layer find them without knowing the id type.</summary>
public interface IHasDomainEvents
{
    /// <summary>Events raised since the entity was last saved.</summary>
    IReadOnlyCollection<IDomainEvent> DomainEvents { get; }

    /// <summary>Forgets the collected events.</summary>
    void ClearDomainEvents();
}
