using Beacon.Domain.Common;
using Mediator;

namespace Beacon.Application.Common.Events;

/// <summary>
/// Published once per committed save, after the notification of each of its domain events, with all of
/// them in the order raised. For reactions that should happen once per change rather than once per event
/// (e.g. one <c>unread_count</c> after marking fifty notifications read).
/// </summary>
/// <param name="Events">The events of the committed change.</param>
public sealed record DomainEventsCommitted(IReadOnlyList<IDomainEvent> Events) : INotification;
