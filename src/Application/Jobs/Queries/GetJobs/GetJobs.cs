using Beacon.Application.Common;
using Beacon.Application.Common.Interfaces;
using FluentValidation;
using Mediator;

namespace Beacon.Application.Jobs.Queries.GetJobs;

/// <summary>The caller's jobs, newest first: <c>GET /api/jobs?page=&amp;pageSize=</c>.</summary>
/// <param name="Page">1-based page number (default 1).</param>
/// <param name="PageSize">Items per page, 1-100 (default 20).</param>
public sealed record GetJobsQuery(int? Page = null, int? PageSize = null) : IQuery<JobPage>;

/// <summary>Rejects pages that do not exist.</summary>
public sealed class GetJobsValidator : AbstractValidator<GetJobsQuery>
{
    /// <summary>Creates the validator.</summary>
    public GetJobsValidator()
    {
        RuleFor(q => q.Page).Must(Paging.IsValidPage).OverridePropertyName("page").WithMessage(Paging.PageRule);
        RuleFor(q => q.PageSize).Must(s => s is null or (>= 1 and <= 100)).OverridePropertyName("pageSize").WithMessage("'pageSize' is 1-100.");
    }
}

/// <summary>Handles <see cref="GetJobsQuery"/>.</summary>
public sealed class GetJobsHandler(IApplicationDbContext db, IUser user) : IQueryHandler<GetJobsQuery, JobPage>
{
    /// <inheritdoc />
    public async ValueTask<JobPage> Handle(GetJobsQuery query, CancellationToken cancellationToken)
    {
        var owner = user.RequireId();
        var page = query.Page ?? 1;
        var size = query.PageSize ?? 20;
        var mine = db.Jobs.Where(j => j.OwnerId == owner);
        var items = await db.ToListAsync(mine.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Skip((page - 1) * size).Take(size), cancellationToken);
        return new JobPage(items.Select(JobDto.From).ToArray(), page, size, await db.CountAsync(mine, cancellationToken));
    }
}
