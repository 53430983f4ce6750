using Beacon.Domain.Common;

namespace Beacon.Domain.Jobs;

/// <summary>
/// A background job a user started: what it processes, how far it got and how it ended. The record outlives
/// the worker (and Hangfire's own bookkeeping), so the owner can always read the outcome.
/// </summary>
public sealed class Job : BaseEntity<Guid>
{
    /// <summary>The most items one job may process.</summary>
    public const int MaxItems = 10_000;

    /// <summary>The longest pause per item, in milliseconds.</summary>
    public const int MaxDelayMs = 10_000;

    /// <summary>The longest a job may take by its own pauses (items × delay): one hour, so one job cannot hold a worker for a day.</summary>
    public const long MaxPlannedMs = 60 * 60 * 1000;

    /// <summary>How many jobs one owner may have queued or running at once: a node has few workers, shared by everyone.</summary>
    public const int MaxActivePerOwner = 3;

    /// <summary>The longest progress message or error kept.</summary>
    public const int MaxTextLength = 500;

    /// <summary>The longest user id.</summary>
    public const int MaxUserIdLength = UserIds.MaxLength;

    // For EF Core.
    private Job()
    {
        OwnerId = string.Empty;
    }

    private Job(Guid id, string ownerId, JobType type, int items, int delayMs, int? failAtItem, DateTimeOffset createdAt)
    {
        Id = id;
        OwnerId = ownerId;
        Type = type;
        Items = items;
        DelayMs = delayMs;
        FailAtItem = failAtItem;
        CreatedAt = createdAt;
    }

    /// <summary>The user who started it; nobody else may see it.</summary>
    public string OwnerId { get; private set; }

    /// <summary>What it does.</summary>
    public JobType Type { get; private set; }

    /// <summary>How many items it processes.</summary>
    public int Items { get; private set; }

    /// <summary>The pause per item, in milliseconds (the stand-in for real work).</summary>
    public int DelayMs { get; private set; }

    /// <summary>The item at which it fails on purpose, to show failures; null for none.</summary>
    public int? FailAtItem { get; private set; }

    /// <summary>Where it is.</summary>
    public JobStatus Status { get; private set; }

    /// <summary>Progress, 0 to 100, never decreasing.</summary>
    public int Percent { get; private set; }

    /// <summary>The last progress message.</summary>
    public string? Message { get; private set; }

    /// <summary>The result as JSON, once it succeeded.</summary>
    public string? ResultJson { get; private set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Whether its owner asked to cancel it while it ran; the worker stops at the next item.</summary>
    public bool CancelRequested { get; private set; }

    /// <summary>Hangfire's id for the run, once queued.</summary>
    public string? HangfireJobId { get; private set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// Bumped by every status change: the store's concurrency token, so two status changes of one record (an owner
    /// cancelling a queued job while a worker starts it) cannot both win. Progress and the cancel flag do not bump
    /// it: the worker owns the first, and only reads the second.
    /// </summary>
    public int Version { get; private set; }

    /// <summary>When a worker started it.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When it reached a final status.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>Whether the status is final.</summary>
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>Creates a queued job.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public static Job Create(string ownerId, JobType type, int items, int delayMs, int? failAtItem, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(ownerId) || ownerId.Length > MaxUserIdLength)
        {
            throw new ArgumentException($"An owner id has 1 to {MaxUserIdLength} characters.", nameof(ownerId));
        }

        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown job type.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(items, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(items, MaxItems);
        ArgumentOutOfRangeException.ThrowIfNegative(delayMs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delayMs, MaxDelayMs);
        if (failAtItem is { } fail && (fail < 1 || fail > items))
        {
            throw new ArgumentOutOfRangeException(nameof(failAtItem), failAtItem, "The failing item must be one of the job's items.");
        }

        return new Job(Guid.CreateVersion7(now), ownerId, type, items, delayMs, failAtItem, now);
    }

    /// <summary>Records Hangfire's id for the run.</summary>
    public void Queued(string hangfireJobId) => HangfireJobId = hangfireJobId;

    /// <summary>
    /// A worker picks the job up. Returns false when there is nothing to run (it already ended, or was
    /// cancelled while queued). A job found running again is a retried run (e.g. after a restart): it restarts.
    /// </summary>
    public bool Start(DateTimeOffset now)
    {
        if (IsFinished)
        {
            return false;
        }

        Status = JobStatus.Running;
        StartedAt ??= now;
        Version++;
        return true;
    }

    /// <summary>Records progress; ignored unless running, and never moves backwards.</summary>
    public void Progress(int percent, string? message)
    {
        if (Status != JobStatus.Running)
        {
            return;
        }

        Percent = Math.Clamp(Math.Max(Percent, percent), 0, 100);
        Message = Truncate(message);
    }

    /// <summary>Ends the job with a result and raises <see cref="JobCompleted"/>.</summary>
    public void Succeed(string resultJson, DateTimeOffset now)
    {
        Percent = 100;
        ResultJson = resultJson;
        Finish(JobStatus.Succeeded, now);
    }

    /// <summary>Ends the job with an error and raises <see cref="JobCompleted"/>.</summary>
    public void Fail(string error, DateTimeOffset now)
    {
        Error = Truncate(error) ?? "The job failed.";
        Finish(JobStatus.Failed, now);
    }

    /// <summary>
    /// The owner asks to cancel. A queued job is cancelled at once; a running one is flagged for its worker.
    /// Returns false when the job already ended (the caller reports a conflict).
    /// </summary>
    public bool RequestCancel(DateTimeOffset now)
    {
        if (IsFinished)
        {
            return false;
        }

        CancelRequested = true;
        if (Status == JobStatus.Queued)
        {
            Cancelled(now);
        }

        return true;
    }

    /// <summary>Ends the job as cancelled and raises <see cref="JobCompleted"/>.</summary>
    public void Cancelled(DateTimeOffset now) => Finish(JobStatus.Cancelled, now);

    private void Finish(JobStatus status, DateTimeOffset now)
    {
        if (IsFinished)
        {
            throw new InvalidOperationException($"Job {Id} already ended as {Status}.");
        }

        Status = status;
        CompletedAt = now;
        Version++;
        AddDomainEvent(new JobCompleted(Id, OwnerId, status, Percent, ResultJson, Error, now));
    }

    private static string? Truncate(string? text) => text is { Length: > MaxTextLength } ? text[..MaxTextLength] : text;
}
