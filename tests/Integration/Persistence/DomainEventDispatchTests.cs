using Microsoft.Extensions.DependencyInjection;
using Beacon.Domain.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Persistence;

/// <summary>
/// Domain events reach streams only once their change is committed, on a real PostgreSQL: after the save
/// without a transaction, after the commit with one, and never for a rollback or a failed save.
/// </summary>
public sealed class DomainEventDispatchTests(PostgresHost host) : IClassFixture<PostgresHost>, IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_app_migrates_its_database_on_start()
    {
        var applied = await host.WithDbAsync(db => db.Database.GetAppliedMigrationsAsync());

        applied.ShouldContain(m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        (await host.WithDbAsync(db => db.Database.GetPendingMigrationsAsync())).ShouldBeEmpty();
        (await host.WithDbAsync(db => Task.FromResult(db.Database.ProviderName))).ShouldBe("Npgsql.EntityFrameworkCore.PostgreSQL");
    }

    [Fact]
    public async Task A_saved_change_sends_its_events_once_saved()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(alice)));

        var id = await host.WithDbAsync(async db =>
        {
            var notification = Create(alice, "saved");
            db.Add(notification);
            await db.SaveChangesAsync();
            return notification.Id;
        });

        var created = await stream.Events.WaitForEventAsync("new_notification");
        created.Data.ShouldContain(id.ToString());
        (await stream.Events.WaitForEventAsync("unread_count")).Data.ShouldBe("""{"count":1}""");
    }

    [Fact]
    public async Task Events_of_a_transaction_wait_for_its_commit()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(alice)));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Beacon.Infrastructure.Persistence.BeaconDbContext>();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Add(Create(alice, "first"));
            await db.SaveChangesAsync();
            db.Add(Create(alice, "second"));
            await db.SaveChangesAsync();

            await host.BroadcastMarkerAndWaitAsync(stream);
            stream.Events.OfType("new_notification").ShouldBeEmpty("nothing is sent before the commit");

            await transaction.CommitAsync();
        }

        await stream.Events.WaitForAsync(e => e.Count(x => x.Type == "new_notification") == 2, "both notifications after the commit");
        var count = await stream.Events.WaitForEventAsync("unread_count");
        count.Data.ShouldBe("""{"count":2}""");
    }

    [Fact]
    public async Task A_rolled_back_transaction_sends_nothing()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(alice)));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Beacon.Infrastructure.Persistence.BeaconDbContext>();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Add(Create(alice, "rolled back"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        // A transaction disposed without a commit is a rollback too; its events must not ride on a later commit.
        await using (var abandoned = await db.Database.BeginTransactionAsync())
        {
            db.Add(Create(alice, "abandoned"));
            await db.SaveChangesAsync();
        }

        db.ChangeTracker.Clear();
        db.Add(Create(alice, "committed"));
        await db.SaveChangesAsync();

        var delivered = await stream.Events.WaitForEventAsync("new_notification");
        await host.BroadcastMarkerAndWaitAsync(stream);
        delivered.Data.ShouldContain("committed");
        stream.Events.OfType("new_notification").Count.ShouldBe(1, "only the committed notification is announced");
        (await host.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == alice))).ShouldBe(1);
    }

    [Fact]
    public async Task A_failed_save_sends_nothing()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(alice)));
        var existing = Create(alice, "existing");
        await host.WithDbAsync(async db =>
        {
            db.Add(existing);
            return await db.SaveChangesAsync();
        });
        await stream.Events.WaitForEventAsync("new_notification");

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Beacon.Infrastructure.Persistence.BeaconDbContext>();
        var fresh = Create(alice, "fresh");
        db.Add(fresh);
        await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "Notifications" ADD CONSTRAINT test_no_fresh CHECK ("Title" <> 'fresh')""");
        try
        {
            await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "Notifications" DROP CONSTRAINT test_no_fresh""");
        }

        await host.BroadcastMarkerAndWaitAsync(stream);
        stream.Events.OfType("new_notification").Count.ShouldBe(1, "the failed save announced nothing");

        // The entity kept its event, so saving it again (now that it can succeed) announces it once.
        await db.SaveChangesAsync();
        await stream.Events.WaitForAsync(e => e.Count(x => x.Type == "new_notification") == 2, "the retried save's notification");
    }

    private static Notification Create(string userId, string title) =>
        Notification.Create(userId, title, "body", NotificationKind.Info, null, DateTimeOffset.UtcNow);
}
