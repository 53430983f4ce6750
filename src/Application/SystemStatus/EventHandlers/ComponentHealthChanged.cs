using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Mediator;

namespace Beacon.Application.SystemStatus.EventHandlers;

/// <summary>A component's health changed (raised by the health watcher, not by an entity).</summary>
/// <param name="Component">The component.</param>
/// <param name="Previous">Its previous state.</param>
/// <param name="Current">Its state now.</param>
/// <param name="At">When the change was seen.</param>
public sealed record ComponentHealthChanged(string Component, HealthState Previous, HealthState Current, DateTimeOffset At) : INotification;

/// <summary>Tells every client: a <c>system</c> event <c>{category: "health", title, message, level, component, status, previousStatus, timestamp}</c>.</summary>
public sealed class ComponentHealthChangedHandler(IRealtimePublisher publisher) : INotificationHandler<ComponentHealthChanged>
{
    /// <inheritdoc />
    public async ValueTask Handle(ComponentHealthChanged notification, CancellationToken cancellationToken)
    {
        var (level, title, message) = notification.Current switch
        {
            HealthState.Unhealthy => (NotificationLevel.Critical, $"{notification.Component} is down", "Some features may not work until it recovers."),
            HealthState.Degraded => (NotificationLevel.Warning, $"{notification.Component} is degraded", "Some features may be slow or limited."),
            _ => (NotificationLevel.Info, $"{notification.Component} has recovered", "Everything is working again."),
        };
        var payload = new
        {
            category = SystemEventCategories.Health,
            title,
            message,
            level,
            component = notification.Component,
            status = notification.Current,
            previousStatus = notification.Previous,
            timestamp = notification.At,
        };
        await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.System, payload), Audience.All, cancellationToken);
    }
}
