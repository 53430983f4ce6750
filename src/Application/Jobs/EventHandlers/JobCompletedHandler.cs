using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Domain.Jobs;
using Mediator;

namespace Beacon.Application.Jobs.EventHandlers;

/// <summary>The Mediator notification for <see cref="JobCompleted"/>.</summary>
/// <param name="Event">The domain event.</param>
public sealed record JobCompletedNotification(JobCompleted Event) : DomainEventNotification<JobCompleted>(Event);

/// <summary>Sends <c>job_completed</c> to the job's owner once the final status is committed.</summary>
public sealed class JobCompletedHandler(IRealtimePublisher publisher, IJobProgress progress) : INotificationHandler<JobCompletedNotification>
{
    /// <inheritdoc />
    public async ValueTask Handle(JobCompletedNotification notification, CancellationToken cancellationToken)
    {
        var done = notification.Event;

        // Anything still held back by the progress throttle would arrive after this event and look like a restart.
        await progress.CompleteAsync(done.JobId, cancellationToken);
        await publisher.PublishAsync(
            RealtimeEvent.Create(JobEventTypes.Completed, new JobCompletedPayload(done.JobId, JobDto.Name(done.Status), done.Percent, JobDto.ParseResult(done.ResultJson), done.Error)),
            Audience.User(done.OwnerId),
            cancellationToken);
    }
}
