using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Jobs;

namespace Beacon.Application.Jobs;

/// <summary>The signed-in caller's own jobs.</summary>
internal static class JobCaller
{
    /// <summary>The caller's job <paramref name="id"/>; another user's job is "not found", never "forbidden".</summary>
    public static async Task<Job> OwnJobAsync(this IApplicationDbContext db, IUser user, Guid id, CancellationToken cancellationToken)
    {
        var owner = user.RequireId();
        return await db.FirstOrDefaultAsync(db.Jobs.Where(j => j.Id == id && j.OwnerId == owner), cancellationToken)
            ?? throw new NotFoundException("Job", id.ToString());
    }
}
