using System.Collections.Concurrent;

namespace Beacon.Infrastructure.Realtime.Tickets;

/// <summary>The embedded ticket store: tickets live in this node's memory.</summary>
internal sealed class InMemoryTicketStore(TimeProvider clock) : ITicketStore
{
    private readonly ConcurrentDictionary<string, (StreamTicket Ticket, DateTimeOffset ValidUntil)> _tickets = new(StringComparer.Ordinal);

    public Task<string> IssueAsync(StreamTicket ticket, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _tickets)
        {
            if (entry.ValidUntil <= now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        var value = TicketValue.New();
        _tickets[value] = (ticket, now + lifetime);
        return Task.FromResult(value);
    }

    public Task<StreamTicket?> RedeemAsync(string ticket, CancellationToken cancellationToken = default) =>
        Task.FromResult(_tickets.TryRemove(ticket, out var entry) && entry.ValidUntil > clock.GetUtcNow() ? entry.Ticket : null);
}
