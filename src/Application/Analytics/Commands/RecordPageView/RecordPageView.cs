using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Analytics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Beacon.Application.Analytics.Commands.RecordPageView;

/// <summary>Records a page view: <c>POST /api/analytics/pageview</c>. Anonymous callers are allowed.</summary>
/// <param name="Path">The path viewed, starting with <c>/</c>.</param>
/// <param name="Referrer">Where the visitor came from: an absolute http(s) URL, or null.</param>
/// <param name="VisitorId">A stable id the page keeps for the visitor (e.g. in localStorage), or null.</param>
/// <param name="ClientFingerprint">Set by the endpoint from the connection (address and user agent); used only when nothing better identifies the visitor, and only hashed under the day's salt.</param>
public sealed record RecordPageViewCommand(string? Path, string? Referrer, string? VisitorId, string ClientFingerprint) : ICommand<PageViewAccepted>;

/// <summary>The response to a recorded view.</summary>
/// <param name="Id">The stored view.</param>
public sealed record PageViewAccepted(Guid Id);

/// <summary>Handles <see cref="RecordPageViewCommand"/>.</summary>
public sealed partial class RecordPageViewHandler(IApplicationDbContext db, IUser user, IVisitorSalt salts, TimeProvider clock, ILogger<RecordPageViewHandler> logger)
    : ICommandHandler<RecordPageViewCommand, PageViewAccepted>
{
    /// <inheritdoc />
    public async ValueTask<PageViewAccepted> Handle(RecordPageViewCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var salt = VisitorKey.UsesFingerprint(user.Id, command.VisitorId)
            ? await salts.ForDayAsync(DateOnly.FromDateTime(now.UtcDateTime), cancellationToken)
            : null;
        var visitorKey = VisitorKey.For(user.Id, command.VisitorId, command.ClientFingerprint, salt);
        var view = PageView.Record(command.Path!, command.Referrer, visitorKey, user.Id, now);
        db.Add(view);
        await db.SaveChangesAsync(cancellationToken);

        // Structured, so a log pipeline can aggregate views without querying the database.
        LogPageView(logger, view.Path, view.Referrer, visitorKey, user.Id is not null);
        return new PageViewAccepted(view.Id);
    }

    [LoggerMessage(EventId = 5101, EventName = "PageView", Level = LogLevel.Information,
        Message = "Page view {Path} referrer {Referrer} visitor {VisitorKey} signed-in {SignedIn}")]
    private static partial void LogPageView(ILogger logger, string path, string? referrer, string visitorKey, bool signedIn);
}
