using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Mediator;

namespace Beacon.Application.Messaging.Commands;

/// <summary>Tells the other members the caller is typing: <c>POST /api/conversations/{id}/typing</c>. Not stored.</summary>
/// <param name="ConversationId">The conversation.</param>
public sealed record SendTypingCommand(Guid ConversationId) : ICommand<bool>;

/// <summary>
/// Handles <see cref="SendTypingCommand"/>: sends <c>typing</c> to the other members, at most once per
/// <see cref="Interval"/> per user and conversation (a keystroke-driven client calls far more often). Returns
/// whether an event was sent.
/// </summary>
public sealed class SendTypingHandler(IApplicationDbContext db, IUser user, ITypingThrottle throttle, IRealtimePublisher publisher) : ICommandHandler<SendTypingCommand, bool>
{
    /// <summary>The shortest gap between two <c>typing</c> events of one user in one conversation.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async ValueTask<bool> Handle(SendTypingCommand command, CancellationToken cancellationToken)
    {
        var typist = user.RequireId();
        var conversation = await db.MemberConversationAsync(typist, command.ConversationId, cancellationToken);
        var others = conversation.Members.Select(m => m.UserId).Where(u => u != typist).ToArray();
        if (others.Length == 0 || !await throttle.TryAcquireAsync($"{typist}\n{conversation.Id}", Interval, cancellationToken))
        {
            return false;
        }

        await publisher.PublishAsync(
            RealtimeEvent.Create(StandardEventTypes.Typing, new TypingPayload(typist, conversation.Id, null)),
            Audience.Users(others),
            cancellationToken);
        return true;
    }
}
