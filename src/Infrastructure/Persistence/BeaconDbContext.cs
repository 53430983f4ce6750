using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Domain.Analytics;
using Beacon.Domain.Jobs;
using Beacon.Domain.Messaging;
using Beacon.Domain.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Beacon's EF Core context. Abstract: each database provider has its own subclass
/// (<see cref="SqliteBeaconDbContext"/>, <see cref="PostgresBeaconDbContext"/>) so that each keeps its own
/// migrations (Persistence/Migrations/Sqlite and Persistence/Migrations/Postgres). Everything but
/// provider quirks is configured here.
/// </summary>
internal abstract class BeaconDbContext(DbContextOptions options) : DbContext(options), IApplicationDbContext
{
    /// <summary>Domain events of saved changes waiting for their transaction to commit.</summary>
    internal PendingDomainEvents PendingDomainEvents { get; } = new();

    public DbSet<Notification> Notifications => Set<Notification>();

    IQueryable<Notification> IApplicationDbContext.Notifications => Notifications;

    public DbSet<Job> Jobs => Set<Job>();

    IQueryable<Job> IApplicationDbContext.Jobs => Jobs;

    public DbSet<Conversation> Conversations => Set<Conversation>();

    IQueryable<Conversation> IApplicationDbContext.Conversations => Conversations.Include(c => c.Members);

    public DbSet<Message> Messages => Set<Message>();

    IQueryable<Message> IApplicationDbContext.Messages => Messages;

    public DbSet<PageView> PageViews => Set<PageView>();

    IQueryable<PageView> IApplicationDbContext.PageViews => PageViews;

    void IApplicationDbContext.Add<TEntity>(TEntity entity) => Set<TEntity>().Add(entity);

    void IApplicationDbContext.Remove<TEntity>(TEntity entity) => Set<TEntity>().Remove(entity);

    public Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken = default) =>
        EntityFrameworkQueryableExtensions.ToListAsync(query, cancellationToken);

    public Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken = default) =>
        EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(query, cancellationToken);

    public Task<int> CountAsync<T>(IQueryable<T> query, CancellationToken cancellationToken = default) =>
        EntityFrameworkQueryableExtensions.CountAsync(query, cancellationToken);

    /// <summary>Saves; a lost race on a concurrency token (e.g. a job's status) surfaces as a <see cref="ConflictException"/>.</summary>
    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConflictException("The resource was changed by another request at the same time; read it again and retry.", ex);
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BeaconDbContext).Assembly);
}
