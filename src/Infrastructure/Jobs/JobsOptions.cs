using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.Jobs;

/// <summary>The <c>Jobs</c> configuration section: the Hangfire server and Beacon's recurring jobs.</summary>
public sealed class JobsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Jobs";

    /// <summary>Hangfire workers on this node: jobs it runs at the same time. Kept low; nodes are small.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>
    /// When the <c>stale-entry-cleanup</c> job runs, as a Hangfire cron expression (UTC). Empty removes the
    /// recurring job. An invalid expression stops the node at startup.
    /// </summary>
    public string? StaleCleanupCron { get; set; } = "* * * * *";

    /// <summary>
    /// When the <c>page-view-retention</c> job runs (UTC cron), deleting page views older than
    /// <c>Analytics:PageViewRetentionDays</c>. Empty removes the recurring job.
    /// </summary>
    public string? PageViewRetentionCron { get; set; } = "23 * * * *";

    /// <summary>The prefix of Hangfire's keys when it stores jobs in Redis (a hash tag keeps them in one cluster slot).</summary>
    [Required]
    [MaxLength(64)]
    public string RedisPrefix { get; set; } = "{beacon}:hangfire:";

    /// <summary>Where Hangfire keeps jobs: <c>Auto</c> (Redis when configured, else memory), <c>Memory</c>, <c>Redis</c> or <c>Postgres</c>.</summary>
    public JobStorageKind Storage { get; set; } = JobStorageKind.Auto;

    /// <summary>The schema of Hangfire's tables when it stores jobs in PostgreSQL (created on start).</summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string PostgresSchema { get; set; } = "hangfire";

    /// <summary>How often idle workers poll PostgreSQL for queued jobs: the longest a new job waits to start.</summary>
    [Range(100, 60_000)]
    public int PostgresQueuePollMilliseconds { get; set; } = 1000;
}

/// <summary>Hangfire's storage; see <see cref="JobsOptions.Storage"/>.</summary>
public enum JobStorageKind
{
    /// <summary>Redis when <c>ConnectionStrings:Redis</c> is set, otherwise memory.</summary>
    Auto,

    /// <summary>In this process: jobs are lost on restart and not shared between nodes.</summary>
    Memory,

    /// <summary>Redis (<c>ConnectionStrings:Redis</c>), under <see cref="JobsOptions.RedisPrefix"/>.</summary>
    Redis,

    /// <summary>PostgreSQL (<c>ConnectionStrings:Postgres</c>), in <see cref="JobsOptions.PostgresSchema"/>.</summary>
    Postgres,
}
