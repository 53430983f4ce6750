namespace Beacon.Application.Messaging;

/// <summary>The <c>message</c> payload: the message, plus the seed's <c>preview</c> and <c>metadata</c>.</summary>
/// <param name="Id">The message.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="SenderId">Who sent it.</param>
/// <param name="Text">The whole text.</param>
/// <param name="Preview">The first 100 characters.</param>
/// <param name="SentAt">When.</param>
/// <param name="Metadata">Always null today; kept for the seed's shape.</param>
public sealed record MessagePayload(Guid Id, Guid ConversationId, string SenderId, string Text, string Preview, DateTimeOffset SentAt, object? Metadata);

/// <summary>The <c>typing</c> payload.</summary>
/// <param name="UserId">Who is typing.</param>
/// <param name="ConversationId">Where.</param>
/// <param name="Metadata">Always null today; kept for the seed's shape.</param>
public sealed record TypingPayload(string UserId, Guid ConversationId, object? Metadata);

/// <summary>The <c>presence</c> payload.</summary>
/// <param name="UserId">Whose presence.</param>
/// <param name="Status"><c>online</c>, <c>idle</c> or <c>offline</c>.</param>
/// <param name="Metadata">Always null today; kept for the seed's shape.</param>
public sealed record PresencePayload(string UserId, string Status, object? Metadata);
