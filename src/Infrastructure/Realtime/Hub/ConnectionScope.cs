using System.Collections.Frozen;
using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>What a connection is subscribed to: who it is, its topics and its metadata.</summary>
internal sealed class ConnectionScope
{
    public ConnectionScope(string clientId, string? userId, IEnumerable<string> topics, IReadOnlyDictionary<string, string> metadata)
    {
        ClientId = clientId;
        UserId = userId;
        // Most streams have no topics or metadata: share one empty set and map rather than keep two per connection.
        var topicSet = new HashSet<string>(topics, StringComparer.Ordinal);
        Topics = topicSet.Count == 0 ? FrozenSet<string>.Empty : topicSet;
        Metadata = metadata.Count == 0 ? FrozenDictionary<string, string>.Empty : metadata;
    }

    public string ClientId { get; }

    public string? UserId { get; }

    public IReadOnlySet<string> Topics { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether an event for <paramref name="audience"/> is for this connection.</summary>
    public bool IsIn(Audience audience) => audience.Matches(ClientId, UserId, (IReadOnlyCollection<string>)Topics, Metadata);
}
