namespace Beacon.Infrastructure.Realtime.Tickets;

/// <summary>
/// One-time, short-lived stream tickets: the safer alternative to a long-lived token in an EventSource
/// URL (which ends up in proxy and browser logs). A ticket opens one stream, once, within its lifetime.
/// </summary>
public interface ITicketStore
{
    /// <summary>Issues a ticket for <paramref name="ticket"/> valid for <paramref name="lifetime"/>.</summary>
    Task<string> IssueAsync(StreamTicket ticket, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>Returns and invalidates the ticket; null when unknown, expired or already used.</summary>
    Task<StreamTicket?> RedeemAsync(string ticket, CancellationToken cancellationToken = default);
}
