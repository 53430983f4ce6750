using Beacon.Domain.Messaging;

namespace Beacon.Application.Messaging;

/// <summary>A conversation as the API shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Title">Its name, or null.</param>
/// <param name="MemberIds">Every member, the caller included, in the order they were added.</param>
/// <param name="CreatedAt">When it was started.</param>
/// <param name="LastMessageAt">When the last message was posted; null before the first.</param>
public sealed record ConversationDto(Guid Id, string? Title, IReadOnlyList<string> MemberIds, DateTimeOffset CreatedAt, DateTimeOffset? LastMessageAt)
{
    /// <summary>Maps an entity.</summary>
    public static ConversationDto From(Conversation c) =>
        new(c.Id, c.Title, c.Members.OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId == c.CreatedBy ? 0 : 1).Select(m => m.UserId).ToArray(), c.CreatedAt, c.LastMessageAt);
}

/// <summary>A message as the API shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="SenderId">Who sent it.</param>
/// <param name="Text">What it says.</param>
/// <param name="SentAt">When.</param>
public sealed record MessageDto(Guid Id, Guid ConversationId, string SenderId, string Text, DateTimeOffset SentAt)
{
    /// <summary>Maps an entity.</summary>
    public static MessageDto From(Message m) => new(m.Id, m.ConversationId, m.SenderId, m.Text, m.SentAt);
}

/// <summary>A list of items.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items.</param>
public sealed record ItemList<T>(IReadOnlyList<T> Items);
