using Microsoft.Extensions.DependencyInjection;
using Beacon.Domain.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Beacon.IntegrationTests.Persistence;

/// <summary>The embedded default: a SQLite file, created and migrated when the app starts.</summary>
public sealed class SqliteSmokeTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task The_app_creates_and_migrates_its_sqlite_file_on_start()
    {
        var provider = await host.WithDbAsync(db => Task.FromResult(db.Database.ProviderName));
        var pending = await host.WithDbAsync(db => db.Database.GetPendingMigrationsAsync());
        var source = await host.WithDbAsync(db => Task.FromResult(db.Database.GetDbConnection().DataSource));

        provider.ShouldBe("Microsoft.EntityFrameworkCore.Sqlite");
        pending.ShouldBeEmpty();
        File.Exists(source).ShouldBeTrue(source);
    }

    [Fact]
    public async Task A_rolled_back_transaction_sends_nothing_on_sqlite_either()
    {
        var alice = Unique.Id("alice");
        await using var stream = await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(alice)));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Beacon.Infrastructure.Persistence.BeaconDbContext>();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Add(Notification.Create(alice, "rolled back", "body", NotificationKind.Info, null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        db.ChangeTracker.Clear();
        db.Add(Notification.Create(alice, "committed", "body", NotificationKind.Info, null, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();

        (await stream.Events.WaitForEventAsync("new_notification")).Data.ShouldContain("committed");
        await host.BroadcastMarkerAndWaitAsync(stream);
        stream.Events.OfType("new_notification").Count.ShouldBe(1);
    }
}
