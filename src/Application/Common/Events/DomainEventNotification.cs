using Beacon.Domain.Common;
using Mediator;

namespace Beacon.Application.Common.Events;

/// <summary>A domain event as a Mediator notification; see <see cref="DomainEventNotification{TEvent}"/>.</summary>
public interface IDomainEventNotification : INotification
{
    /// <summary>The wrapped event.</summary>
    IDomainEvent DomainEvent { get; }
}

/// <summary>
/// The base of the Mediator notification for one domain event type. The Domain cannot reference Mediator,
/// and Mediator's source generator does not handle generic notification types, so each domain event gets
/// a small sealed wrapper in the Application layer (beside its handlers):
/// <code>public sealed record NotificationCreatedNotification(NotificationCreated Event) : DomainEventNotification&lt;NotificationCreated&gt;(Event);</code>
/// The persistence layer finds wrappers through <see cref="DomainEventNotifications"/>; a test checks
/// every domain event has one.
/// </summary>
/// <typeparam name="TEvent">The domain event type.</typeparam>
/// <param name="Event">The event.</param>
public abstract record DomainEventNotification<TEvent>(TEvent Event) : IDomainEventNotification
    where TEvent : IDomainEvent
{
    /// <inheritdoc />
    IDomainEvent IDomainEventNotification.DomainEvent => Event;
}
