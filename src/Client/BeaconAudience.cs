using System.Text.Json.Serialization;

namespace Beacon.Client;

/// <summary>Who receives an event: exactly one of everyone, users, topics, clients or metadata (the server's <c>audience</c>).</summary>
public sealed class BeaconAudience
{
    private BeaconAudience()
    {
    }

    /// <summary>Every connection.</summary>
    public static BeaconAudience Everyone { get; } = new() { All = true };

    /// <summary>true for <see cref="Everyone"/>; otherwise not sent.</summary>
    [JsonPropertyName("all")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? All { get; private init; }

    /// <summary>User ids, when the audience is users.</summary>
    [JsonPropertyName("users")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? UserIds { get; private init; }

    /// <summary>Topic names, when the audience is topics.</summary>
    [JsonPropertyName("topics")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? TopicNames { get; private init; }

    /// <summary>Client (connection) ids, when the audience is clients.</summary>
    [JsonPropertyName("clients")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ClientIds { get; private init; }

    /// <summary>Pairs a connection's metadata must all hold, when the audience is metadata.</summary>
    [JsonPropertyName("metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? MetadataPairs { get; private init; }

    /// <summary>Every connection of these users (all their tabs and devices).</summary>
    public static BeaconAudience Users(params IEnumerable<string> userIds) => new() { UserIds = NonEmpty(userIds, nameof(userIds)) };

    /// <summary>Every connection subscribed to one of these topics, once.</summary>
    public static BeaconAudience Topics(params IEnumerable<string> topics) => new() { TopicNames = NonEmpty(topics, nameof(topics)) };

    /// <summary>These connections, by the <c>clientId</c> of their <c>connected</c> event.</summary>
    public static BeaconAudience Clients(params IEnumerable<string> clientIds) => new() { ClientIds = NonEmpty(clientIds, nameof(clientIds)) };

    /// <summary>Every connection whose metadata holds all of <paramref name="pairs"/>.</summary>
    public static BeaconAudience Metadata(IReadOnlyDictionary<string, string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return pairs.Count == 0 ? throw new ArgumentException("Name at least one pair.", nameof(pairs)) : new() { MetadataPairs = pairs };
    }

    private static string[] NonEmpty(IEnumerable<string> values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        var list = values.ToArray();
        return list.Length == 0 ? throw new ArgumentException("Name at least one.", name) : list;
    }
}
