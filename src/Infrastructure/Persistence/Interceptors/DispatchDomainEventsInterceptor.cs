using System.Data.Common;
using Beacon.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Beacon.Infrastructure.Persistence.Interceptors;

/// <summary>
/// Dispatches the domain events of saved entities only once the change is durable. Unlike the usual
/// template, which dispatches in <c>SavingChanges</c> (before the database has accepted anything), this
/// collects events while saving, and dispatches them:
/// <list type="bullet">
/// <item>after <c>SavedChanges</c> when no transaction is open (SaveChanges' own transaction has committed);</item>
/// <item>after the transaction commits when one is open; a rollback, or a transaction that ends without a
/// commit, discards them;</item>
/// <item>never when the save fails: the entities keep their events, so a retried save still sends them once.</item>
/// </list>
/// Limitations: a transaction committed outside EF (a <c>DbTransaction</c> passed with <c>UseTransaction</c>
/// and committed directly, or an ambient <c>TransactionScope</c>) and rolling back to a savepoint are not
/// observed; use <c>Database.BeginTransactionAsync</c> and whole-transaction rollbacks.
/// </summary>
internal sealed class DispatchDomainEventsInterceptor(DomainEventDispatcher dispatcher) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Saved(eventData.Context) is { Length: > 0 } events)
        {
            dispatcher.DispatchAsync(events).AsTask().GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Saved(eventData.Context) is { Length: > 0 } events)
        {
            await dispatcher.DispatchAsync(events);
        }

        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Pending(eventData.Context)?.Saving = null;

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Pending(eventData.Context)?.Saving = null;

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesCanceled(eventData);
        return Task.CompletedTask;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        // Events still waiting belong to a transaction that ended without a commit.
        if (Pending(eventData.Context) is { } pending && pending.TransactionId != eventData.TransactionId)
        {
            pending.Discard();
        }

        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TransactionStarted(connection, eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (Pending(eventData.Context)?.TakeCommitted(eventData.TransactionId) is { Length: > 0 } events)
        {
            dispatcher.DispatchAsync(events).AsTask().GetAwaiter().GetResult();
        }
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Pending(eventData.Context)?.TakeCommitted(eventData.TransactionId) is { Length: > 0 } events)
        {
            await dispatcher.DispatchAsync(events);
        }
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Discard(eventData);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData);
        return Task.CompletedTask;
    }

    private static PendingDomainEvents? Pending(DbContext? context) => (context as BeaconDbContext)?.PendingDomainEvents;

    private static void Collect(DbContext? context)
    {
        if (context is not BeaconDbContext beacon)
        {
            return;
        }

        // Deleted entities are detached once saved, so their events are read now, before the save.
        var entities = beacon.ChangeTracker.Entries<IHasDomainEvents>()
            .Select(e => e.Entity)
            .Where(e => e.DomainEvents.Count > 0)
            .ToArray();
        var events = entities.SelectMany(e => e.DomainEvents).OrderBy(e => e.OccurredAt).ToArray();
        beacon.PendingDomainEvents.Saving = (entities, events);
    }

    /// <summary>The save succeeded: returns the events to send now, or holds them for the open transaction.</summary>
    private static IDomainEvent[] Saved(DbContext? context)
    {
        if (context is not BeaconDbContext beacon || beacon.PendingDomainEvents.Saving is not { } saving)
        {
            return [];
        }

        beacon.PendingDomainEvents.Saving = null;
        foreach (var entity in saving.Entities)
        {
            entity.ClearDomainEvents();
        }

        if (beacon.Database.CurrentTransaction is { } transaction)
        {
            beacon.PendingDomainEvents.Await(transaction.TransactionId, saving.Events);
            return [];
        }

        return saving.Events;
    }

    private static void Discard(TransactionEndEventData eventData)
    {
        if (Pending(eventData.Context) is { } pending && pending.TransactionId == eventData.TransactionId)
        {
            pending.Discard();
        }
    }
}
