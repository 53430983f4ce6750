using Beacon.Application.Common.Interfaces;
using Mediator;

namespace Beacon.Application.Realtime.Commands.DisconnectUser;

/// <summary>Ends every stream of a user on every node: <c>DELETE /api/sse/users/{userId}</c>.</summary>
/// <param name="UserId">The user, as streams and audiences name them.</param>
public sealed record DisconnectUserCommand(string UserId) : ICommand<DisconnectUserResult>;

/// <summary>What a disconnect found.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Connections">The streams the user held when asked, each now ended or told to end; 0 when none.</param>
public sealed record DisconnectUserResult(string UserId, int Connections);

/// <summary>Handles <see cref="DisconnectUserCommand"/>.</summary>
public sealed class DisconnectUserHandler(IConnectionControl connections) : ICommandHandler<DisconnectUserCommand, DisconnectUserResult>
{
    /// <inheritdoc />
    public async ValueTask<DisconnectUserResult> Handle(DisconnectUserCommand command, CancellationToken cancellationToken) =>
        new(command.UserId, await connections.DisconnectUserAsync(command.UserId, cancellationToken));
}
