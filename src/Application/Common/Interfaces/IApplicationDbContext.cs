using Beacon.Domain.Analytics;
using Beacon.Domain.Jobs;
using Beacon.Domain.Messaging;
using Beacon.Domain.Notifications;

namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// The application's unit of work. The Application layer does not reference EF Core, so queries are plain
/// <see cref="IQueryable{T}"/> and run asynchronously through the methods here. Saving dispatches the domain
/// events of the saved entities once the change is committed (after the transaction, if one is open);
/// a change that fails or is rolled back dispatches nothing.
/// </summary>
public interface IApplicationDbContext
{
    /// <summary>Every user's notifications: always filter by user.</summary>
    IQueryable<Notification> Notifications { get; }

    /// <summary>Every user's background jobs: always filter by owner.</summary>
    IQueryable<Job> Jobs { get; }

    /// <summary>Every conversation (with its members): always filter by membership.</summary>
    IQueryable<Conversation> Conversations { get; }

    /// <summary>Every message: always filter by a conversation the caller is a member of.</summary>
    IQueryable<Message> Messages { get; }

    /// <summary>Stored page views (analytics).</summary>
    IQueryable<PageView> PageViews { get; }

    /// <summary>Starts tracking a new entity; it is inserted by the next save.</summary>
    void Add<TEntity>(TEntity entity)
        where TEntity : class;

    /// <summary>Marks an entity for deletion by the next save.</summary>
    void Remove<TEntity>(TEntity entity)
        where TEntity : class;

    /// <summary>Saves every tracked change; returns how many rows changed.</summary>
    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="query"/> and returns its rows.</summary>
    Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="query"/> and returns its first row, or default.</summary>
    Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken = default);

    /// <summary>Counts the rows of <paramref name="query"/>.</summary>
    Task<int> CountAsync<T>(IQueryable<T> query, CancellationToken cancellationToken = default);
}
