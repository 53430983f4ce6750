using System.Collections.Concurrent;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Messaging.Presence;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Messaging;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.UnitTests.Realtime;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Beacon.UnitTests.Messaging;

public sealed class PresenceMonitorTests
{
    [Fact]
    public async Task A_thousand_users_connecting_at_once_are_announced_once_each_in_a_few_batches()
    {
        const int users = 1_000;
        var registry = new ConnectionRegistry();
        var store = new CountingPresenceStore();
        var announced = new ConcurrentDictionary<string, int>();
        var notifications = 0;
        var allAnnounced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publisher = Substitute.For<IPublisher>();
        publisher.Publish(Arg.Any<UserPresenceChanged>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            Interlocked.Increment(ref notifications);
            foreach (var change in call.Arg<UserPresenceChanged>().Changes)
            {
                change.Status.ShouldBe(PresenceStatus.Online);
                announced.AddOrUpdate(change.UserId, 1, (_, n) => n + 1);
            }

            if (announced.Count == users)
            {
                allAnnounced.TrySetResult();
            }

            return ValueTask.CompletedTask;
        });
        await using var services = new ServiceCollection().AddSingleton(publisher).BuildServiceProvider();
        using var monitor = new PresenceMonitor(
            registry, store, new InMemoryPresenceStateStore(), services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new PresenceOptions()), TimeProvider.System, NullLogger<PresenceMonitor>.Instance);
        // All connected before the monitor runs, as in a reconnect storm that outpaces it: what is due goes in batches.
        // (Started first, the monitor could race the loop below and take the users a few at a time.)
        for (var i = 0; i < users; i++)
        {
            var connection = TestConnections.Create($"user-{i}");
            registry.TryAdd(connection, users).ShouldBeTrue();
            monitor.UserConnected(connection.UserId!);
        }

        await monitor.StartAsync(CancellationToken.None);

        await allAnnounced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await monitor.StopAsync(CancellationToken.None);

        announced.Values.ShouldAllBe(n => n == 1);

        // One by one this was 1,000 store reads and 1,000 notifications (each a contacts query).
        store.Calls.ShouldBeLessThanOrEqualTo(10);
        notifications.ShouldBeLessThanOrEqualTo(10);
    }

    private sealed class CountingPresenceStore : IPresenceStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<IReadOnlyDictionary<string, bool>> GetOnlineAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult<IReadOnlyDictionary<string, bool>>(userIds.ToDictionary(id => id, _ => true));
        }
    }
}
