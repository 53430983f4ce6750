using Beacon.Application.Common.Events;
using Beacon.Domain.Common;

namespace Beacon.UnitTests.Architecture;

/// <summary>Every domain event reaches Mediator: the persistence layer can only dispatch events that have a notification type.</summary>
public sealed class DomainEventNotificationTests
{
    private static readonly Type[] DomainEventTypes = typeof(IDomainEvent).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDomainEvent).IsAssignableFrom(t))
        .ToArray();

    [Fact]
    public void Every_domain_event_has_a_mediator_notification()
    {
        DomainEventTypes.ShouldNotBeEmpty();
        DomainEventTypes.Except(DomainEventNotifications.EventTypes)
            .Select(t => t.FullName)
            .ShouldBeEmpty("add a sealed DomainEventNotification<TEvent> record for each, beside its handlers");
    }

    [Fact]
    public void Wrap_returns_the_notification_that_carries_the_event()
    {
        var domainEvent = new Beacon.Domain.Notifications.NotificationRead(Guid.NewGuid(), "alice", DateTimeOffset.UtcNow);

        var notification = DomainEventNotifications.Wrap(domainEvent);

        notification.ShouldBeAssignableTo<IDomainEventNotification>()!.DomainEvent.ShouldBeSameAs(domainEvent);
    }
}
