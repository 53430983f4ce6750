using Beacon.Application.Jobs;
using Beacon.Application.Jobs.Commands.CancelJob;
using Beacon.Application.Jobs.Commands.StartJob;
using Beacon.Application.Jobs.Queries.GetJob;
using Beacon.Application.Jobs.Queries.GetJobs;
using Beacon.Web.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Beacon.Web.Endpoints;

/// <summary>
/// Background jobs with live progress: <c>/api/jobs</c>. Every route acts on the caller's own jobs; another
/// user's id is a 404. Progress and completion arrive on the caller's streams as <c>job_progress</c> and
/// <c>job_completed</c>.
/// </summary>
internal static class JobsEndpoints
{
    public static IEndpointRouteBuilder MapJobsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization(Roles.IsUser);
        group.MapPost("/", Start);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapPost("/{id:guid}/cancel", Cancel).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Accepted<JobDto>> Start(StartJobCommand command, ISender sender, CancellationToken cancellationToken)
    {
        var job = await sender.Send(command, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", job);
    }

    private static async Task<Ok<JobPage>> List(ISender sender, int? page, int? pageSize, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetJobsQuery(page, pageSize), cancellationToken));

    private static async Task<Ok<JobDto>> Get(Guid id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetJobQuery(id), cancellationToken));

    private static async Task<Accepted<JobDto>> Cancel(Guid id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Accepted($"/api/jobs/{id}", await sender.Send(new CancelJobCommand(id), cancellationToken));
}
