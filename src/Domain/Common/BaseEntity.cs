namespace Beacon.Domain.Common;

/// <summary>
/// Base class for entities that raise domain events. Events are collected here and dispatched by the
/// persistence layer only after the change that raised them has been saved, so a rolled-back change
/// never reaches a subscriber.
/// </summary>
/// <typeparam name="TId">The type of the entity's identifier.</typeparam>
public abstract class BaseEntity<TId> : IHasDomainEvents
    where TId : notnull
{
    private readonly List<IDomainEvent> _domainEvents = [];

    /// <summary>The entity's identifier.</summary>
    public TId Id { get; protected set; } = default!;

    /// <summary>Events raised since the entity was last saved.</summary>
    public IReadOnlyCollection<IDomainEvent> DomainEvents => _domainEvents.AsReadOnly();

    /// <summary>Records an event to be dispatched after the next successful save.</summary>
    protected void AddDomainEvent(IDomainEvent domainEvent) => _domainEvents.Add(domainEvent);

    /// <summary>Forgets the collected events; called once they have been dispatched.</summary>
    public void ClearDomainEvents() => _domainEvents.Clear();
}
