using System.Collections.Concurrent;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Jobs;
using Beacon.Application.Realtime;
using Microsoft.Extensions.Logging;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// <see cref="IJobProgress"/>: <c>job_progress</c> to the owner at most once per <see cref="Interval"/> per job.
/// A report inside the interval is held (replacing any older held one) and sent when the interval ends, so the
/// last figure always arrives; 100 % is sent at once. Percentages sent never decrease. Per job, sends are
/// serialised, so a held report flushed by the timer cannot overtake a newer one.
/// </summary>
internal sealed partial class ThrottledJobProgress(IRealtimePublisher publisher, TimeProvider clock, ILogger<ThrottledJobProgress> logger) : IJobProgress
{
    /// <summary>The shortest gap between two <c>job_progress</c> events of one job.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Guid, JobState> _jobs = new();

    public async ValueTask ReportAsync(Guid jobId, string ownerId, int percent, string? message, CancellationToken cancellationToken = default)
    {
        var state = _jobs.GetOrAdd(jobId, id => new JobState(id, ownerId));
        lock (state)
        {
            if (state.Completed)
            {
                return;
            }

            var due = state.LastSentAt is { } last ? Interval - clock.GetElapsedTime(last) : TimeSpan.Zero;
            if (percent < 100 && due > TimeSpan.Zero)
            {
                state.Held = new JobProgressPayload(jobId, percent, message);
                state.Timer ??= clock.CreateTimer(static s => ((FlushState)s!).Owner.FlushHeld(((FlushState)s!).State), new FlushState(this, state), due, Timeout.InfiniteTimeSpan);
                return;
            }

            state.Held = null;
            state.LastSentAt = clock.GetTimestamp();
        }

        await SendAsync(state, new JobProgressPayload(jobId, percent, message), cancellationToken);
    }

    public ValueTask CompleteAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        if (_jobs.TryRemove(jobId, out var state))
        {
            lock (state)
            {
                state.Completed = true;
                state.Held = null;
                state.Timer?.Dispose();
                state.Timer = null;
            }
        }

        return ValueTask.CompletedTask;
    }

    private void FlushHeld(JobState state)
    {
        JobProgressPayload? held;
        lock (state)
        {
            state.Timer?.Dispose();
            state.Timer = null;
            held = state.Held;
            state.Held = null;
            if (held is null || state.Completed)
            {
                return;
            }

            state.LastSentAt = clock.GetTimestamp();
        }

        _ = SendAsync(state, held, CancellationToken.None);
    }

    private async Task SendAsync(JobState state, JobProgressPayload payload, CancellationToken cancellationToken)
    {
        await state.SendGate.WaitAsync(cancellationToken);
        try
        {
            if (payload.Percent < state.LastPercentSent || state.Completed)
            {
                return;
            }

            state.LastPercentSent = payload.Percent;
            await publisher.PublishAsync(RealtimeEvent.Create(JobEventTypes.Progress, payload), Audience.User(state.OwnerId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Progress is advisory: a lost tick must not fail the job. The final state comes with job_completed.
            LogProgressFailed(logger, state.JobId, ex);
        }
        finally
        {
            state.SendGate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send progress of job {JobId}")]
    private static partial void LogProgressFailed(ILogger logger, Guid jobId, Exception exception);

    private sealed class JobState(Guid jobId, string ownerId)
    {
        public Guid JobId { get; } = jobId;

        public string OwnerId { get; } = ownerId;

        public SemaphoreSlim SendGate { get; } = new(1, 1);

        public long? LastSentAt { get; set; }

        public int LastPercentSent { get; set; } = -1;

        public JobProgressPayload? Held { get; set; }

        public ITimer? Timer { get; set; }

        public bool Completed { get; set; }
    }

    private sealed record FlushState(ThrottledJobProgress Owner, JobState State);
}
