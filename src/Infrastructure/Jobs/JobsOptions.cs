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

    /// <summary>The prefix of Hangfire's keys when it stores jobs in Redis (a hash tag keeps them in one cluster slot).</summary>
    [Required]
    [MaxLength(64)]
    public string RedisPrefix { get; set; } = "{beacon}:hangfire:";
}
