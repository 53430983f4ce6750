using Beacon.Domain.Common;

namespace Beacon.Domain.Messaging;

/// <summary>A message posted to a conversation. Created through <see cref="Conversation.Post"/>.</summary>
public sealed class Message : BaseEntity<Guid>
{
    /// <summary>The longest text.</summary>
    public const int MaxTextLength = 4000;

    // For EF Core.
    private Message()
    {
        SenderId = Text = string.Empty;
    }

    private Message(Guid id, Guid conversationId, string senderId, string text, DateTimeOffset sentAt)
    {
        Id = id;
        ConversationId = conversationId;
        SenderId = senderId;
        Text = text;
        SentAt = sentAt;
    }

    /// <summary>The conversation.</summary>
    public Guid ConversationId { get; private set; }

    /// <summary>Who sent it.</summary>
    public string SenderId { get; private set; }

    /// <summary>What it says.</summary>
    public string Text { get; private set; }

    /// <summary>When it was sent.</summary>
    public DateTimeOffset SentAt { get; private set; }

    internal static Message Create(Guid conversationId, string senderId, string text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            throw new ArgumentException($"A message has 1 to {MaxTextLength} characters and is not blank.", nameof(text));
        }

        return new Message(Guid.CreateVersion7(now), conversationId, senderId, text, now);
    }
}
