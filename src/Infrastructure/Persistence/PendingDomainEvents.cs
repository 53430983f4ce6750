using Beacon.Domain.Common;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// The domain events of one context between "saved" and "committed": those of the save in progress, and
/// those of saves made inside a transaction that has not committed yet (with that transaction's id, so
/// events of a transaction that ended without a commit are never sent with a later one).
/// </summary>
internal sealed class PendingDomainEvents
{
    private readonly List<IDomainEvent> _awaitingCommit = [];

    /// <summary>The entities and events collected for the save in progress; null when none is.</summary>
    public (IHasDomainEvents[] Entities, IDomainEvent[] Events)? Saving { get; set; }

    /// <summary>The transaction the waiting events belong to.</summary>
    public Guid? TransactionId { get; private set; }

    public bool HasAwaiting => _awaitingCommit.Count > 0;

    /// <summary>Holds <paramref name="events"/> until <paramref name="transactionId"/> commits.</summary>
    public void Await(Guid transactionId, IEnumerable<IDomainEvent> events)
    {
        if (TransactionId != transactionId)
        {
            _awaitingCommit.Clear();
            TransactionId = transactionId;
        }

        _awaitingCommit.AddRange(events);
    }

    /// <summary>Takes the events waiting for <paramref name="transactionId"/> (empty for any other transaction).</summary>
    public IDomainEvent[] TakeCommitted(Guid transactionId)
    {
        if (TransactionId != transactionId)
        {
            return [];
        }

        var events = _awaitingCommit.ToArray();
        Discard();
        return events;
    }

    /// <summary>Forgets the waiting events (their transaction rolled back or ended without a commit).</summary>
    public void Discard()
    {
        _awaitingCommit.Clear();
        TransactionId = null;
    }
}
