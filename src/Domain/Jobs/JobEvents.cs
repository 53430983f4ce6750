using Beacon.Domain.Common;

namespace Beacon.Domain.Jobs;

/// <summary>A job reached a final status.</summary>
/// <param name="JobId">The job.</param>
/// <param name="OwnerId">Its owner, the only one told.</param>
/// <param name="Status">Succeeded, failed or cancelled.</param>
/// <param name="Percent">How far it got (100 when it succeeded).</param>
/// <param name="ResultJson">The result as JSON when it succeeded.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="OccurredAt">When it ended.</param>
public sealed record JobCompleted(Guid JobId, string OwnerId, JobStatus Status, int Percent, string? ResultJson, string? Error, DateTimeOffset OccurredAt) : IDomainEvent;
