namespace Beacon.Domain.Jobs;

/// <summary>What a job does with its items.</summary>
public enum JobType
{
    /// <summary>Imports the items; the result counts them.</summary>
    Import,

    /// <summary>Builds a report over the items; the result says where it is.</summary>
    Report,
}
