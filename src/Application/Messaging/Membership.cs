using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Messaging;

namespace Beacon.Application.Messaging;

/// <summary>The caller's conversations. A conversation the caller is not in does not exist for them (404).</summary>
internal static class Membership
{
    /// <summary>Conversation <paramref name="id"/> if <paramref name="userId"/> is a member; otherwise 404.</summary>
    public static async Task<Conversation> MemberConversationAsync(this IApplicationDbContext db, string userId, Guid id, CancellationToken cancellationToken) =>
        await db.FirstOrDefaultAsync(db.Conversations.Where(c => c.Id == id && c.Members.Any(m => m.UserId == userId)), cancellationToken)
            ?? throw new NotFoundException("Conversation", id.ToString());
}
