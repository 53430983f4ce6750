using Beacon.Application.Realtime;

namespace Beacon.Application.Jobs;

/// <summary>The events of the jobs module; documented in docs/events.md.</summary>
public static class JobEventTypes
{
    /// <summary><c>job_progress {jobId, percent, message}</c>.</summary>
    public const string Progress = "job_progress";

    /// <summary><c>job_completed {jobId, status, percent, result, error}</c>.</summary>
    public const string Completed = StandardEventTypes.JobCompleted;
}

/// <summary>The <c>job_progress</c> payload.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Percent">0-100, never decreasing.</param>
/// <param name="Message">What it is doing.</param>
public sealed record JobProgressPayload(Guid JobId, int Percent, string? Message);

/// <summary>The <c>job_completed</c> payload of the jobs module.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Status"><c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="Percent">How far it got: 100 when it succeeded, the exact figure when it failed or was cancelled.</param>
/// <param name="Result">The result when it succeeded.</param>
/// <param name="Error">Why it failed.</param>
public sealed record JobCompletedPayload(Guid JobId, string Status, int Percent, System.Text.Json.JsonElement? Result, string? Error);
