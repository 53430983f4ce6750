using Beacon.Application.SystemStatus.Commands.PublishAnnouncement;
using Beacon.Application.SystemStatus.Queries.GetSystemStatus;
using Beacon.Web.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Beacon.Web.Endpoints;

/// <summary>System status and announcements: <c>/api/system</c>.</summary>
internal static class SystemEndpoints
{
    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/system").WithTags("System");
        group.MapGet("/status", GetStatus).RequireAuthorization(Roles.IsUser);
        group.MapPost("/announcements", Announce).RequireAuthorization(Roles.IsAdmin);
        return app;
    }

    /// <summary>Every component's health; the checks' descriptions only for admins (they may name hosts or errors).</summary>
    private static async Task<Ok<SystemStatusDto>> GetStatus(HttpContext context, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetSystemStatusQuery(IncludeDetails: context.User.IsInRole(Roles.Admin)), cancellationToken));

    private static async Task<Accepted<PublishAnnouncementResult>> Announce(PublishAnnouncementCommand command, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Accepted(uri: (string?)null, value: await sender.Send(command, cancellationToken));
}
