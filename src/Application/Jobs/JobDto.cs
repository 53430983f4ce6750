using System.Text.Json;
using Beacon.Domain.Jobs;

namespace Beacon.Application.Jobs;

/// <summary>A job as the API shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Type"><c>import</c> or <c>report</c>.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="Percent">Progress, 0-100.</param>
/// <param name="Message">The last progress message.</param>
/// <param name="Result">The result, once it succeeded.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Items">How many items it processes.</param>
/// <param name="DelayMs">The pause per item.</param>
/// <param name="CreatedAt">When it was started by its owner.</param>
/// <param name="StartedAt">When a worker picked it up.</param>
/// <param name="CompletedAt">When it ended.</param>
public sealed record JobDto(
    Guid Id,
    string Type,
    string Status,
    int Percent,
    string? Message,
    JsonElement? Result,
    string? Error,
    int Items,
    int DelayMs,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>Maps an entity.</summary>
    public static JobDto From(Job job) => new(
        job.Id,
        Name(job.Type),
        Name(job.Status),
        job.Percent,
        job.Message,
        ParseResult(job.ResultJson),
        job.Error,
        job.Items,
        job.DelayMs,
        job.CreatedAt,
        job.StartedAt,
        job.CompletedAt);

    /// <summary>The wire name of an enum value: lower case.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The stored result JSON as a JSON value.</summary>
    public static JsonElement? ParseResult(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>One page of jobs.</summary>
/// <param name="Items">The page, newest first.</param>
/// <param name="Page">The page number.</param>
/// <param name="PageSize">The page size.</param>
/// <param name="TotalCount">How many jobs the caller has.</param>
public sealed record JobPage(IReadOnlyList<JobDto> Items, int Page, int PageSize, int TotalCount);
