using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Mediator;

namespace Beacon.Application.SystemStatus.Commands.PublishAnnouncement;

/// <summary>Announce something to every connected client: <c>POST /api/system/announcements</c> (admin).</summary>
/// <param name="Title">The headline.</param>
/// <param name="Message">The body.</param>
/// <param name="Level">info (default), warning or critical.</param>
public sealed record PublishAnnouncementCommand(string? Title, string? Message, string? Level = null) : ICommand<PublishAnnouncementResult>;

/// <summary>The id of the <c>system</c> event.</summary>
/// <param name="Id">The SSE id clients see.</param>
public sealed record PublishAnnouncementResult(string Id);

/// <summary>Handles <see cref="PublishAnnouncementCommand"/>: a <c>system</c> event to everyone.</summary>
public sealed class PublishAnnouncementHandler(IRealtimePublisher publisher, TimeProvider clock) : ICommandHandler<PublishAnnouncementCommand, PublishAnnouncementResult>
{
    /// <inheritdoc />
    public async ValueTask<PublishAnnouncementResult> Handle(PublishAnnouncementCommand command, CancellationToken cancellationToken)
    {
        AnnouncementLevels.TryParse(command.Level ?? "info", out var level);
        var payload = new
        {
            category = SystemEventCategories.Announcement,
            title = command.Title!.Trim(),
            message = command.Message!.Trim(),
            level,
            timestamp = clock.GetUtcNow(),
        };
        var id = await publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.System, payload), Audience.All, cancellationToken);
        return new PublishAnnouncementResult(id);
    }
}
