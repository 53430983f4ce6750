using Beacon.Application.Common.Interfaces;
using Beacon.Application.Messaging.Presence;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Messaging;

/// <summary>
/// Derives presence from connections and raises <see cref="UserPresenceChanged"/> once per change. A user's
/// connect or idle report is evaluated at once; a disconnect after <see cref="PresenceOptions.OfflineGraceSeconds"/>.
/// An evaluation computes the status (connected on any node, through <see cref="IPresenceStore"/>; idle if their
/// client said so) and swaps it into the "announced" record (atomic in Redis), so only the node that changes it
/// announces. With Redis a node's own connection writes are asynchronous, so "offline" is re-checked a few times
/// before it is believed that another node holds the user.
/// Due users are evaluated in batches: a node that starts (or a reconnect storm) sees thousands of users connect
/// within seconds, and one by one their Redis round trips and contacts queries kept a core busy for tens of seconds
/// while the node was already delivering (bench/README.md). A batch costs a few pipelined Redis calls and one query.
/// </summary>
internal sealed partial class PresenceMonitor(
    ConnectionRegistry registry,
    IPresenceStore connections,
    IPresenceStateStore state,
    IServiceScopeFactory scopes,
    IOptions<PresenceOptions> options,
    TimeProvider clock,
    ILogger<PresenceMonitor> logger) : BackgroundService, IUserPresence
{
    private const int StaleChecks = 3;
    private const int BatchSize = 500;
    private static readonly TimeSpan RecheckDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the monitor gathers users once one is due. Without it a burst of connects was taken a few users at a
    /// time, as fast as they arrived: thousands of evaluations, each with its own service scope, database
    /// connection and contacts query (a third of everything a node allocated while 10,000 users connected;
    /// bench/README.md, session 8). Presence is announced this much later.
    /// </summary>
    internal static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    private readonly PriorityQueue<(string UserId, int Attempt), long> _due = new();

    /// <summary>
    /// Users whose change is recorded as announced but was not, because the announcement failed and so did the
    /// undo (the store was down too), with what their contacts last heard. Only the loop reads and writes it.
    /// </summary>
    private readonly Dictionary<string, PresenceStatus> _unannounced = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TimeSpan _grace = TimeSpan.FromSeconds(options.Value.OfflineGraceSeconds);

    /// <summary>A connection of <paramref name="userId"/> opened on this node.</summary>
    public void UserConnected(string userId) => Schedule(userId, TimeSpan.Zero);

    /// <summary>A connection of <paramref name="userId"/> closed on this node.</summary>
    public void UserDisconnected(string userId) => Schedule(userId, _grace);

    public async Task<IReadOnlyDictionary<string, PresenceStatus>> GetStatusesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var online = await connections.GetOnlineAsync(userIds, cancellationToken);
        var idle = await state.AreIdleAsync(userIds);
        return online.ToDictionary(p => p.Key, p => StatusOf(p.Value, idle.GetValueOrDefault(p.Key)));
    }

    public async Task SetIdleAsync(string userId, bool idle, CancellationToken cancellationToken = default)
    {
        await state.SetIdleAsync(userId, idle);
        Schedule(userId, TimeSpan.Zero);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = NextWait();
            try
            {
                await _signal.WaitAsync(wait, stoppingToken);
                await Task.Delay(BatchWindow, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Every user scheduled in the window is taken below; their wake-ups would only cost an empty window each.
            while (_signal.Wait(0))
            {
            }

            // Only what was due when the window closed: users scheduled while a batch is evaluated wait for the next
            // window, with everyone else who arrives meanwhile, rather than go out one small batch after another.
            var windowEnd = clock.GetTimestamp();
            while (TakeDue(windowEnd) is { Count: > 0 } due)
            {
                try
                {
                    await EvaluateAsync(due, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Redis may be down: try these users again shortly rather than leave a wrong presence.
                    LogEvaluateFailed(logger, due.Count, ex);
                    foreach (var (userId, attempt) in due)
                    {
                        Schedule(userId, RecheckDelay, attempt);
                    }
                }
            }
        }
    }

    private async Task EvaluateAsync(List<(string UserId, int Attempt)> due, CancellationToken cancellationToken)
    {
        var userIds = due.Select(d => d.UserId).ToArray();
        var online = await connections.GetOnlineAsync(userIds, cancellationToken);
        var idle = await state.AreIdleAsync(userIds);
        var decided = new List<UserPresenceChange>(due.Count);
        foreach (var (userId, attempt) in due)
        {
            var local = registry.CountForUser(userId) > 0;
            var connected = local || online.GetValueOrDefault(userId);
            if (!local && connected && attempt < StaleChecks)
            {
                // Maybe only this node's own, not yet removed entry: look again before believing another node.
                Schedule(userId, RecheckDelay, attempt + 1);
                continue;
            }

            decided.Add(new UserPresenceChange(userId, StatusOf(connected, idle.GetValueOrDefault(userId))));
        }

        // Issued together, so with Redis they share round trips.
        var previous = await Task.WhenAll(decided.Select(d => state.SwapAnnouncedAsync(d.UserId, d.Status).AsTask()));
        var changed = decided
            .Select((d, i) => (Change: d, Before: _unannounced.GetValueOrDefault(d.UserId, previous[i] ?? PresenceStatus.Offline)))
            .Where(c => c.Before != c.Change.Status)
            .ToArray();
        try
        {
            await Task.WhenAll(decided.Where(d => d.Status == PresenceStatus.Offline).Select(d => state.SetIdleAsync(d.UserId, false).AsTask()));
            if (changed.Length > 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(new UserPresenceChanged(changed.Select(c => c.Change).ToArray()), cancellationToken);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await RestoreAsync(changed);
            throw;
        }

        // What the contacts heard and what the store records agree again for every user decided here.
        foreach (var decision in decided)
        {
            _unannounced.Remove(decision.UserId);
        }
    }

    /// <summary>
    /// The swaps recorded these changes as announced, but they were not. Undone, the retry sees them again; left,
    /// it would find nothing to announce and the contacts would never hear of them. If the undo fails too (the
    /// store is down), this node remembers what the contacts last heard, and its retry announces from that.
    /// </summary>
    private async Task RestoreAsync((UserPresenceChange Change, PresenceStatus Before)[] changed)
    {
        try
        {
            await Task.WhenAll(changed.Select(c => state.SwapAnnouncedAsync(c.Change.UserId, c.Before).AsTask()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUndoFailed(logger, changed.Length, ex);
            foreach (var (change, before) in changed)
            {
                _unannounced.TryAdd(change.UserId, before);
            }
        }
    }

    private static PresenceStatus StatusOf(bool connected, bool idle) =>
        !connected ? PresenceStatus.Offline : idle ? PresenceStatus.Idle : PresenceStatus.Online;

    private void Schedule(string userId, TimeSpan delay, int attempt = 0)
    {
        lock (_due)
        {
            _due.Enqueue((userId, attempt), clock.GetTimestamp() + (long)(delay.TotalSeconds * clock.TimestampFrequency));
        }

        _signal.Release();
    }

    /// <summary>The users due by <paramref name="cutoff"/>, each once (the oldest entry wins), at most <see cref="BatchSize"/> of them.</summary>
    private List<(string UserId, int Attempt)> TakeDue(long cutoff)
    {
        var due = new List<(string UserId, int Attempt)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        lock (_due)
        {
            while (due.Count < BatchSize && _due.TryPeek(out var item, out var at) && at <= cutoff)
            {
                _due.Dequeue();
                if (seen.Add(item.UserId))
                {
                    due.Add(item);
                }
            }
        }

        return due;
    }

    private TimeSpan NextWait()
    {
        lock (_due)
        {
            if (!_due.TryPeek(out _, out var at))
            {
                return Timeout.InfiniteTimeSpan;
            }

            var ticks = Math.Max(0, at - clock.GetTimestamp());
            return TimeSpan.FromSeconds((double)ticks / clock.TimestampFrequency);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence changes of {Count} users were neither announced nor undone; this node will announce them on its retry")]
    private static partial void LogUndoFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence of {Count} users could not be evaluated; retrying")]
    private static partial void LogEvaluateFailed(ILogger logger, int count, Exception exception);
}

/// <summary>Passes connection changes on to the cluster's tracker and tells the presence monitor.</summary>
internal sealed class PresenceConnectionTracker(Realtime.Cluster.IConnectionTracker inner, PresenceMonitor monitor) : Realtime.Cluster.IConnectionTracker
{
    public void Connected(SseConnection connection)
    {
        inner.Connected(connection);
        if (connection.UserId is { } userId)
        {
            monitor.UserConnected(userId);
        }
    }

    public void Disconnected(SseConnection connection)
    {
        inner.Disconnected(connection);
        if (connection.UserId is { } userId)
        {
            monitor.UserDisconnected(userId);
        }
    }
}
