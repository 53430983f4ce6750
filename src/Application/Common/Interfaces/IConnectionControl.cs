namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// The port through which the application ends clients' streams on every node: after it revokes a user's access or
/// changes their grants, say, so that their clients reconnect and authenticate again. An ended stream is a normal
/// end: a client reconnects after its <c>retry</c> and resumes with <c>Last-Event-ID</c>, losing nothing, so keeping a
/// user out also needs their credentials refused (a token no longer issued, or expired).
/// </summary>
public interface IConnectionControl
{
    /// <summary>
    /// Ends every stream <paramref name="userId"/> holds (SSE, notification, WebSocket and waiting long polls) on
    /// every node: at once on this one, and by a message to the others. Streams opened after the call are not affected.
    /// </summary>
    /// <returns>How many streams were open, as far as this node and the cluster's registrations tell.</returns>
    /// <exception cref="Exceptions.ServiceUnavailableException">The other nodes could not be told; nothing was ended.</exception>
    ValueTask<int> DisconnectUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Ends one stream, on whichever node holds it.</summary>
    /// <returns>false when no node holds <paramref name="clientId"/>.</returns>
    /// <exception cref="Exceptions.ServiceUnavailableException">The other nodes could not be asked; nothing was ended.</exception>
    ValueTask<bool> DisconnectClientAsync(string clientId, CancellationToken cancellationToken = default);
}
