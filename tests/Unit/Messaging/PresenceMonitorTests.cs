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
        await using var fixture = new Fixture(users: 1_000);
        // All connected before the monitor runs, as in a reconnect storm that outpaces it: what is due goes in batches.
        fixture.ConnectAll(0, 1_000);

        await fixture.Monitor.StartAsync(CancellationToken.None);
        await fixture.AllAnnounced.WaitAsync(TimeSpan.FromSeconds(30));

        // One by one this was 1,000 store reads and 1,000 notifications (each a contacts query).
        fixture.Store.Calls.ShouldBeLessThanOrEqualTo(10);
        fixture.Notifications.ShouldBeLessThanOrEqualTo(10);
    }

    [Fact]
    public async Task Users_connecting_while_the_monitor_runs_are_gathered_into_a_batch_per_window()
    {
        const int users = 1_000, perStep = 10;
        await using var fixture = new Fixture(users);
        await fixture.Monitor.StartAsync(CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();

        // Connects trickle in, as they do while a node fills up: a running monitor took them a few at a time.
        for (var i = 0; i < users; i += perStep)
        {
            fixture.ConnectAll(i, perStep);
            await Task.Delay(1);
        }

        await fixture.AllAnnounced.WaitAsync(TimeSpan.FromSeconds(30));
        var windows = (int)(TimeProvider.System.GetElapsedTime(started) / PresenceMonitor.BatchWindow);

        // Without the window: one notification per step, 100 here.
        fixture.Notifications.ShouldBeLessThanOrEqualTo(windows + 2);
        fixture.Store.Calls.ShouldBeLessThanOrEqualTo(windows + 2);
    }

    [Fact]
    public async Task Changes_whose_announcement_failed_are_announced_on_the_retry()
    {
        await using var fixture = new Fixture(users: 20, failFirst: true);
        fixture.ConnectAll(0, 20);

        await fixture.Monitor.StartAsync(CancellationToken.None);

        // The first notification throws (a database or bus outage): the retry a second later must announce these
        // users, not find them already recorded as announced.
        await fixture.AllAnnounced.WaitAsync(TimeSpan.FromSeconds(30));
        fixture.Notifications.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Changes_are_announced_on_the_retry_even_when_their_undo_failed_too()
    {
        await using var fixture = new Fixture(users: 20, failFirst: true, failUndo: true);
        fixture.ConnectAll(0, 20);

        await fixture.Monitor.StartAsync(CancellationToken.None);

        // The store fails the undo as well (Redis down for both): the retry's swaps then find these users recorded
        // as announced, and only the monitor's memory of what the contacts heard gets them announced.
        await fixture.AllAnnounced.WaitAsync(TimeSpan.FromSeconds(30));
        fixture.State.FailedSwaps.ShouldBeGreaterThan(0, "the undo must have failed, or this test shows nothing");
    }

    /// <summary>A monitor over a real registry and in-memory state, whose publisher records each user's announcements.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private readonly ConnectionRegistry _registry = new();
        private readonly ConcurrentDictionary<string, int> _announced = new();
        private readonly TaskCompletionSource _allAnnounced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ServiceProvider _services;
        private readonly int _users;
        private int _notifications;

        public Fixture(int users, bool failFirst = false, bool failUndo = false)
        {
            _users = users;
            var publisher = Substitute.For<IPublisher>();
            publisher.Publish(Arg.Any<UserPresenceChanged>(), Arg.Any<CancellationToken>()).Returns(call =>
            {
                if (Interlocked.Increment(ref _notifications) == 1 && failFirst)
                {
                    if (failUndo)
                    {
                        State.FailNextSwaps(call.Arg<UserPresenceChanged>().Changes.Count);
                    }

                    throw new InvalidOperationException("The contacts could not be read.");
                }
                foreach (var change in call.Arg<UserPresenceChanged>().Changes)
                {
                    change.Status.ShouldBe(PresenceStatus.Online);
                    _announced.AddOrUpdate(change.UserId, 1, (_, n) => n + 1);
                }

                if (_announced.Count == _users)
                {
                    _allAnnounced.TrySetResult();
                }

                return ValueTask.CompletedTask;
            });
            _services = new ServiceCollection().AddSingleton(publisher).BuildServiceProvider();
            Monitor = new PresenceMonitor(
                _registry, Store, State, _services.GetRequiredService<IServiceScopeFactory>(),
                Options.Create(new PresenceOptions()), TimeProvider.System, NullLogger<PresenceMonitor>.Instance);
        }

        public PresenceMonitor Monitor { get; }

        public CountingPresenceStore Store { get; } = new();

        public FlakyStateStore State { get; } = new();

        public int Notifications => Volatile.Read(ref _notifications);

        /// <summary>Completes once every user was announced (exactly once each is checked on dispose).</summary>
        public Task AllAnnounced => _allAnnounced.Task;

        public void ConnectAll(int first, int count)
        {
            for (var i = first; i < first + count; i++)
            {
                var connection = TestConnections.Create($"user-{i}");
                _registry.TryAdd(connection, _users).ShouldBeTrue();
                Monitor.UserConnected(connection.UserId!);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Monitor.StopAsync(CancellationToken.None);
            Monitor.Dispose();
            _announced.Values.ShouldAllBe(n => n == 1);
            await _services.DisposeAsync();
        }
    }

    /// <summary>The in-memory state, whose swaps can be made to fail for a while (an outage).</summary>
    private sealed class FlakyStateStore : IPresenceStateStore
    {
        private readonly InMemoryPresenceStateStore _inner = new();
        private int _failing;
        private int _failed;

        public int FailedSwaps => Volatile.Read(ref _failed);

        public void FailNextSwaps(int count) => Volatile.Write(ref _failing, count);

        public ValueTask SetIdleAsync(string userId, bool idle) => _inner.SetIdleAsync(userId, idle);

        public ValueTask<IReadOnlyDictionary<string, bool>> AreIdleAsync(IReadOnlyCollection<string> userIds) => _inner.AreIdleAsync(userIds);

        public ValueTask<PresenceStatus?> SwapAnnouncedAsync(string userId, PresenceStatus status)
        {
            if (Interlocked.Decrement(ref _failing) >= 0)
            {
                // Faulted, as a store's call is when it is down: thrown here, it would stop the batch's other swaps
                // from being issued, and each retry a second later would use up one failure (20 retries here).
                Interlocked.Increment(ref _failed);
                return ValueTask.FromException<PresenceStatus?>(new TimeoutException("The store is down."));
            }

            return _inner.SwapAnnouncedAsync(userId, status);
        }
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
