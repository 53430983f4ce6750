using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Common;
using FluentValidation;
using Mediator;

namespace Beacon.Application.Messaging.Presence;

/// <summary>Presence of some users: <c>GET /api/presence?users=a,b</c>.</summary>
/// <param name="Users">Comma-separated user ids, 1-100.</param>
public sealed record GetPresenceQuery(string? Users) : IQuery<ItemList<UserPresenceDto>>
{
    /// <summary>The distinct, trimmed ids.</summary>
    public IReadOnlyList<string> UserIds => (Users ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>One user's presence.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Status"><c>online</c>, <c>idle</c>, <c>offline</c>, or <c>unknown</c> for users whose contact the caller is not.</param>
public sealed record UserPresenceDto(string UserId, string Status);

/// <summary>Rejects empty or oversized lists.</summary>
public sealed class GetPresenceValidator : AbstractValidator<GetPresenceQuery>
{
    /// <summary>The most users per request.</summary>
    public const int MaxUsers = 100;

    /// <summary>Creates the validator.</summary>
    public GetPresenceValidator() =>
        RuleFor(q => q.UserIds)
            .Must(ids => ids.Count is > 0 and <= MaxUsers && ids.All(UserIds.IsValid))
            .OverridePropertyName("users")
            .WithMessage($"'users' lists 1-{MaxUsers} comma-separated user ids (each at most {UserIds.MaxLength} characters, without control characters).");
}

/// <summary>
/// Handles <see cref="GetPresenceQuery"/>. A user's presence is visible to their contacts (the members of a
/// conversation the user started or posted in, <see cref="IContactDirectory"/>) and to the user themself; for anyone
/// else the answer is <c>unknown</c>, so it cannot be used to watch strangers, not even by adding them to a
/// conversation. Admins see everyone.
/// </summary>
public sealed class GetPresenceHandler(IContactDirectory directory, IUser user, IUserPresence presence) : IQueryHandler<GetPresenceQuery, ItemList<UserPresenceDto>>
{
    /// <inheritdoc />
    public async ValueTask<ItemList<UserPresenceDto>> Handle(GetPresenceQuery query, CancellationToken cancellationToken)
    {
        var caller = user.RequireId();
        var asked = query.UserIds;
        var visible = user.IsInRole("admin") ? asked.ToHashSet(StringComparer.Ordinal) : await VisibleToAsync(caller, asked, cancellationToken);
        var statuses = visible.Count == 0 ? new Dictionary<string, Realtime.PresenceStatus>() : await presence.GetStatusesAsync(visible, cancellationToken);
        return new ItemList<UserPresenceDto>(asked
            .Select(id => new UserPresenceDto(id, statuses.TryGetValue(id, out var s) && visible.Contains(id) ? PresenceNames.Of(s) : PresenceNames.Unknown))
            .ToArray());
    }

    // Contacts are one-way: the caller sees those who have shown themselves to the caller, not those the caller wrote to.
    private async Task<HashSet<string>> VisibleToAsync(string caller, IReadOnlyList<string> asked, CancellationToken cancellationToken)
    {
        var contacts = await directory.ContactsOfAsync(asked.Where(id => id != caller).ToArray(), cancellationToken);
        var visible = asked.Where(id => contacts[id].Contains(caller, StringComparer.Ordinal)).ToHashSet(StringComparer.Ordinal);
        if (asked.Contains(caller, StringComparer.Ordinal))
        {
            visible.Add(caller);
        }

        return visible;
    }
}
