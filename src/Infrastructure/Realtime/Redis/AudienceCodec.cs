using System.Text.Json;
using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>Audiences as compact JSON, so every node (and replay) can resolve them again.</summary>
internal static class AudienceCodec
{
    private sealed record Wire(string K, string[]? T, Dictionary<string, string>? M);

    public static string Encode(Audience audience) => JsonSerializer.Serialize(new Wire(
        audience.Kind.ToString(),
        audience.Targets.Count == 0 ? null : audience.Targets.ToArray(),
        audience.Kind == AudienceKind.Metadata ? new Dictionary<string, string>(audience.MetadataFilter) : null));

    public static Audience Decode(string json)
    {
        var wire = JsonSerializer.Deserialize<Wire>(json) ?? throw new FormatException("Empty audience.");
        return Enum.Parse<AudienceKind>(wire.K) switch
        {
            AudienceKind.All => Audience.All,
            AudienceKind.Users => Audience.Users(wire.T!),
            AudienceKind.Topics => Audience.Topics(wire.T!),
            AudienceKind.Clients => Audience.Clients(wire.T!),
            AudienceKind.Metadata => Audience.Metadata(wire.M!),
            var kind => throw new FormatException($"Unknown audience kind {kind}."),
        };
    }
}
