using Beacon.Application.Common.Events;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Beacon.Domain.Messaging;
using Mediator;

namespace Beacon.Application.Messaging.EventHandlers;

/// <summary>The Mediator notification for <see cref="MessageSent"/>.</summary>
/// <param name="Event">The domain event.</param>
public sealed record MessageSentNotification(MessageSent Event) : DomainEventNotification<MessageSent>(Event);

/// <summary>Sends <c>message</c> to every member (the sender's other tabs too) once the message is committed.</summary>
public sealed class MessageSentHandler(IRealtimePublisher publisher) : INotificationHandler<MessageSentNotification>
{
    /// <summary>The length of <c>preview</c>.</summary>
    public const int PreviewLength = 100;

    /// <inheritdoc />
    public async ValueTask Handle(MessageSentNotification notification, CancellationToken cancellationToken)
    {
        var sent = notification.Event;
        var preview = sent.Text.Length <= PreviewLength ? sent.Text : sent.Text[..(PreviewLength - 1)] + "…";
        await publisher.PublishAsync(
            RealtimeEvent.Create(StandardEventTypes.Message, new MessagePayload(sent.MessageId, sent.ConversationId, sent.SenderId, sent.Text, preview, sent.OccurredAt, null)),
            Audience.Users(sent.MemberIds),
            cancellationToken);
    }
}
