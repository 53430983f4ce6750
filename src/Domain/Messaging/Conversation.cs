using Beacon.Domain.Common;

namespace Beacon.Domain.Messaging;

/// <summary>A conversation between a fixed set of members. Only members may read it or post to it.</summary>
public sealed class Conversation : BaseEntity<Guid>
{
    /// <summary>The longest title.</summary>
    public const int MaxTitleLength = 100;

    /// <summary>The most members, the creator included.</summary>
    public const int MaxMembers = 51;

    /// <summary>The longest user id.</summary>
    public const int MaxUserIdLength = UserIds.MaxLength;

    private readonly List<ConversationMember> _members = [];

    // For EF Core.
    private Conversation()
    {
        CreatedBy = string.Empty;
    }

    private Conversation(Guid id, string? title, string createdBy, DateTimeOffset now)
    {
        Id = id;
        Title = title;
        CreatedBy = createdBy;
        CreatedAt = LastActivityAt = now;
    }

    /// <summary>An optional name; null shows the members instead.</summary>
    public string? Title { get; private set; }

    /// <summary>Who started it.</summary>
    public string CreatedBy { get; private set; }

    /// <summary>When it was started.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the last message was posted; null before the first.</summary>
    public DateTimeOffset? LastMessageAt { get; private set; }

    /// <summary>The last message, or the creation: the list's order.</summary>
    public DateTimeOffset LastActivityAt { get; private set; }

    /// <summary>The members.</summary>
    public IReadOnlyCollection<ConversationMember> Members => _members.AsReadOnly();

    /// <summary>Starts a conversation of <paramref name="createdBy"/> with <paramref name="others"/>.</summary>
    /// <exception cref="ArgumentException">A title, a user id or the member count is out of range.</exception>
    public static Conversation Start(string createdBy, IEnumerable<string> others, string? title, DateTimeOffset now)
    {
        RequireUserId(createdBy);
        if (title is not null && (string.IsNullOrWhiteSpace(title) || title.Length > MaxTitleLength))
        {
            throw new ArgumentException($"A title has 1 to {MaxTitleLength} characters, or is null.", nameof(title));
        }

        var members = others.Prepend(createdBy).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var member in members)
        {
            RequireUserId(member);
        }

        if (members.Length is < 2 or > MaxMembers)
        {
            throw new ArgumentException($"A conversation has 2 to {MaxMembers} members.", nameof(others));
        }

        var conversation = new Conversation(Guid.CreateVersion7(now), title, createdBy, now);
        conversation._members.AddRange(members.Select(m => new ConversationMember(conversation.Id, m, now)));
        return conversation;
    }

    /// <summary>Whether <paramref name="userId"/> is a member.</summary>
    public bool HasMember(string userId) => _members.Any(m => m.UserId == userId);

    /// <summary>Posts a message by <paramref name="senderId"/> and raises <see cref="MessageSent"/>.</summary>
    /// <exception cref="InvalidOperationException">The sender is not a member.</exception>
    /// <exception cref="ArgumentException">The text is blank or too long.</exception>
    public Message Post(string senderId, string text, DateTimeOffset now)
    {
        if (!HasMember(senderId))
        {
            throw new InvalidOperationException($"'{senderId}' is not a member of conversation {Id}.");
        }

        var message = Message.Create(Id, senderId, text, now);
        LastMessageAt = LastActivityAt = now;
        AddDomainEvent(new MessageSent(message.Id, Id, senderId, message.Text, now, _members.Select(m => m.UserId).ToArray()));
        return message;
    }

    private static void RequireUserId(string userId)
    {
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > MaxUserIdLength)
        {
            throw new ArgumentException($"A user id has 1 to {MaxUserIdLength} characters.", nameof(userId));
        }
    }
}

/// <summary>A member of a <see cref="Conversation"/>.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">The member.</param>
/// <param name="JoinedAt">When they joined.</param>
public sealed record ConversationMember(Guid ConversationId, string UserId, DateTimeOffset JoinedAt);
