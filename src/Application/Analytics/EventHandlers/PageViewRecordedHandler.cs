using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Analytics;
using Mediator;

namespace Beacon.Application.Analytics.EventHandlers;

/// <summary>The Mediator notification for <see cref="PageViewRecorded"/>.</summary>
/// <param name="Event">The domain event.</param>
public sealed record PageViewRecordedNotification(PageViewRecorded Event) : DomainEventNotification<PageViewRecorded>(Event);

/// <summary>
/// Feeds a saved view to the live counters. It publishes nothing itself: the broadcaster turns the
/// counters into at most one <c>visitors</c> event a second, however many views arrive.
/// </summary>
public sealed class PageViewRecordedHandler(ILiveAnalytics live) : INotificationHandler<PageViewRecordedNotification>
{
    /// <inheritdoc />
    public async ValueTask Handle(PageViewRecordedNotification notification, CancellationToken cancellationToken) =>
        await live.RecordViewAsync(notification.Event.VisitorKey, notification.Event.OccurredAt, cancellationToken);
}
