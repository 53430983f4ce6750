namespace Beacon.Application.Realtime;

/// <summary>The recipients of an event. Create one with the static factories.</summary>
public sealed class Audience
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    /// <summary>Every connected client.</summary>
    public static readonly Audience All = new(AudienceKind.All, [], NoMetadata);

    private Audience(AudienceKind kind, string[] targets, IReadOnlyDictionary<string, string> metadata)
    {
        Kind = kind;
        Targets = targets;
        MetadataFilter = metadata;
    }

    /// <summary>Which kind of audience this is.</summary>
    public AudienceKind Kind { get; }

    /// <summary>User ids, topic names or client ids, by <see cref="Kind"/>; distinct, never empty for those kinds.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>For <see cref="AudienceKind.Metadata"/>: the pairs a connection's metadata must contain.</summary>
    public IReadOnlyDictionary<string, string> MetadataFilter { get; }

    /// <summary>All connections of one user.</summary>
    public static Audience User(string userId) => Users([userId]);

    /// <summary>All connections of each listed user.</summary>
    public static Audience Users(IEnumerable<string> userIds) => Create(AudienceKind.Users, userIds);

    /// <summary>All connections subscribed to <paramref name="topic"/>.</summary>
    public static Audience Topic(string topic) => Topics([topic]);

    /// <summary>All connections subscribed to any of the listed topics.</summary>
    public static Audience Topics(IEnumerable<string> topics) => Create(AudienceKind.Topics, topics);

    /// <summary>One connection.</summary>
    public static Audience Client(string clientId) => Clients([clientId]);

    /// <summary>The listed connections.</summary>
    public static Audience Clients(IEnumerable<string> clientIds) => Create(AudienceKind.Clients, clientIds);

    /// <summary>Connections whose metadata contains every pair of <paramref name="filter"/>.</summary>
    public static Audience Metadata(IReadOnlyDictionary<string, string> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Count == 0)
        {
            throw new ArgumentException("A metadata audience needs at least one key.", nameof(filter));
        }

        return new Audience(AudienceKind.Metadata, [], new Dictionary<string, string>(filter, StringComparer.Ordinal));
    }

    /// <summary>Whether a connection with these properties belongs to this audience.</summary>
    public bool Matches(string clientId, string? userId, IReadOnlyCollection<string> topics, IReadOnlyDictionary<string, string> metadata) => Kind switch
    {
        AudienceKind.All => true,
        AudienceKind.Users => userId is not null && Targets.Contains(userId, StringComparer.Ordinal),
        AudienceKind.Topics => Targets.Any(topics.Contains),
        AudienceKind.Clients => Targets.Contains(clientId, StringComparer.Ordinal),
        AudienceKind.Metadata => MetadataFilter.All(p => metadata.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal)),
        _ => false,
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        AudienceKind.All => "all",
        AudienceKind.Metadata => "metadata(" + string.Join(",", MetadataFilter.Select(p => p.Key + "=" + p.Value)) + ")",
        _ => Kind.ToString().ToLowerInvariant() + "(" + Targets.Count + ")",
    };

    private static Audience Create(AudienceKind kind, IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var distinct = targets.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0 || distinct.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"A {kind} audience needs at least one non-empty id.", nameof(targets));
        }

        return new Audience(kind, distinct, NoMetadata);
    }
}
