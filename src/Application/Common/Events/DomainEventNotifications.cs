using System.Collections.Frozen;
using System.Reflection;
using Beacon.Domain.Common;
using Mediator;

namespace Beacon.Application.Common.Events;

/// <summary>Finds the Mediator notification type of each domain event type (the sealed <see cref="DomainEventNotification{TEvent}"/> subclasses of this assembly).</summary>
public static class DomainEventNotifications
{
    private static readonly FrozenDictionary<Type, ConstructorInfo> Wrappers = FindWrappers();

    /// <summary>The domain event types that have a notification.</summary>
    public static IReadOnlyCollection<Type> EventTypes => Wrappers.Keys;

    /// <summary>Wraps <paramref name="domainEvent"/> in its notification, or returns null if its type has none.</summary>
    public static INotification? Wrap(IDomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return Wrappers.TryGetValue(domainEvent.GetType(), out var constructor)
            ? (INotification)constructor.Invoke([domainEvent])
            : null;
    }

    private static FrozenDictionary<Type, ConstructorInfo> FindWrappers()
    {
        var wrappers = new Dictionary<Type, ConstructorInfo>();
        foreach (var type in typeof(DomainEventNotifications).Assembly.GetTypes())
        {
            if (type.IsAbstract || type.IsGenericTypeDefinition)
            {
                continue;
            }

            for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                if (baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(DomainEventNotification<>))
                {
                    var eventType = baseType.GetGenericArguments()[0];
                    var constructor = type.GetConstructor([eventType])
                        ?? throw new InvalidOperationException($"{type} needs a public constructor taking {eventType}.");
                    if (!wrappers.TryAdd(eventType, constructor))
                    {
                        throw new InvalidOperationException($"{eventType} has two notifications: {wrappers[eventType].DeclaringType} and {type}.");
                    }

                    break;
                }
            }
        }

        return wrappers.ToFrozenDictionary();
    }
}
