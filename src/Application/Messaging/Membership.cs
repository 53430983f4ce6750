using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Messaging;

namespace Beacon.Application.Messaging;

/// <summary>The caller's conversations. A conversation the caller is not in does not exist for them (404).</summary>
internal static class Membership
{
    /// <summary>The caller's id; the endpoints require a signed-in user.</summary>
    public static string RequireId(this IUser user) => user.Id ?? throw new ForbiddenAccessException("Sign in to use messaging.");

    /// <summary>Conversation <paramref name="id"/> if <paramref name="userId"/> is a member; otherwise 404.</summary>
    public static async Task<Conversation> MemberConversationAsync(this IApplicationDbContext db, string userId, Guid id, CancellationToken cancellationToken) =>
        await db.FirstOrDefaultAsync(db.Conversations.Where(c => c.Id == id && c.Members.Any(m => m.UserId == userId)), cancellationToken)
            ?? throw new NotFoundException("Conversation", id.ToString());

    /// <summary>Everyone who shares a conversation with <paramref name="userId"/>, without them.</summary>
    public static async Task<IReadOnlyList<string>> ContactsOfAsync(this IApplicationDbContext db, string userId, CancellationToken cancellationToken) =>
        (await db.ContactsOfAsync([userId], cancellationToken))[userId].ToArray();

    /// <summary>
    /// For each of <paramref name="userIds"/> who has any, everyone who shares a conversation with them: one query
    /// for a whole batch, so a node announcing thousands of presence changes at once (a reconnect storm) does not
    /// query once per user.
    /// </summary>
    public static async Task<ILookup<string, string>> ContactsOfAsync(this IApplicationDbContext db, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds as string[] ?? userIds.ToArray();
        var pairs = await db.ToListAsync(
            db.Conversations
                .SelectMany(c => c.Members.Where(m => ids.Contains(m.UserId)), (c, m) => new { c, m.UserId })
                .SelectMany(x => x.c.Members.Where(o => o.UserId != x.UserId), (x, o) => new { x.UserId, ContactId = o.UserId })
                .Distinct(),
            cancellationToken);
        return pairs.ToLookup(p => p.UserId, p => p.ContactId, StringComparer.Ordinal);
    }
}
