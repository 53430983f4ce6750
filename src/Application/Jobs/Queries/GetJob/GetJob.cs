using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Jobs.Queries.GetJob;

/// <summary>One of the caller's jobs: <c>GET /api/jobs/{id}</c>.</summary>
/// <param name="Id">The job.</param>
public sealed record GetJobQuery(Guid Id) : IQuery<JobDto>;

/// <summary>Handles <see cref="GetJobQuery"/>; another user's job is a 404.</summary>
public sealed class GetJobHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetJobQuery, JobDto>
{
    /// <inheritdoc />
    public async ValueTask<JobDto> Handle(GetJobQuery query, CancellationToken cancellationToken) =>
        JobDto.From(await db.OwnJobAsync(user, query.Id, cancellationToken));
}
