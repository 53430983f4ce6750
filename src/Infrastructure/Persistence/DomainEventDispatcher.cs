using Beacon.Application.Common.Events;
using Beacon.Domain.Common;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Publishes committed domain events as Mediator notifications: each event's own notification, in the
/// order raised, then one <see cref="DomainEventsCommitted"/> with all of them. The change is already
/// committed, so a failing handler is logged and the others still run; the caller's request does not fail.
/// Handlers run in a scope of their own: the context that saved is still inside SaveChanges or its
/// transaction's commit, so a handler that queries or saves gets a fresh context.
/// </summary>
internal sealed partial class DomainEventDispatcher(IServiceScopeFactory scopes, ILogger<DomainEventDispatcher> logger)
{
    public async ValueTask DispatchAsync(IReadOnlyList<IDomainEvent> events)
    {
        await using var scope = scopes.CreateAsyncScope();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublisher>();

        // Not the request's token: the change is committed, so its events go out even if the caller has left.
        foreach (var domainEvent in events)
        {
            if (DomainEventNotifications.Wrap(domainEvent) is { } notification)
            {
                await PublishAsync(publisher, notification, domainEvent.GetType().Name);
            }
        }

        await PublishAsync(publisher, new DomainEventsCommitted(events), nameof(DomainEventsCommitted));
    }

    private async ValueTask PublishAsync(IPublisher publisher, INotification notification, string name)
    {
        try
        {
            await publisher.Publish((object)notification, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, ex, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of the committed domain event {EventName} failed; the change stays committed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventName);
}
