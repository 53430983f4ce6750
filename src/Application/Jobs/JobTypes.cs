using Beacon.Domain.Jobs;

namespace Beacon.Application.Jobs;

/// <summary>Job type names on the wire: the lower-case enum names, and nothing else (no numbers).</summary>
public static class JobTypes
{
    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<JobType>().Select(JobDto.Name).ToArray();

    /// <summary>Parses a name case-insensitively; numeric strings are refused.</summary>
    public static bool TryParse(string? name, out JobType type)
    {
        type = default;
        return name is not null && Names.Contains(name, StringComparer.OrdinalIgnoreCase) && Enum.TryParse(name, ignoreCase: true, out type);
    }
}
