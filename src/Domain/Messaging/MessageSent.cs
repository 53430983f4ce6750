using Beacon.Domain.Common;

namespace Beacon.Domain.Messaging;

/// <summary>A message was posted.</summary>
/// <param name="MessageId">The message.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="SenderId">Who sent it.</param>
/// <param name="Text">What it says.</param>
/// <param name="OccurredAt">When it was sent.</param>
/// <param name="MemberIds">The conversation's members when it was sent: who is told.</param>
public sealed record MessageSent(Guid MessageId, Guid ConversationId, string SenderId, string Text, DateTimeOffset OccurredAt, IReadOnlyList<string> MemberIds) : IDomainEvent;
