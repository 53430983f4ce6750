using Beacon.Application.Realtime;

namespace Beacon.Infrastructure.Realtime.Hub;

/// <summary>What a connection is subscribed to: who it is, its topics and its metadata.</summary>
internal sealed class ConnectionScope
{
    public ConnectionScope(string clientId, string? userId, IEnumerable<string> topics, IReadOnlyDictionary<string, string> metadata)
    {
        ClientId = clientId;
        UserId = userId;
        Topics = new HashSet<string>(topics, StringComparer.Ordinal);
        Metadata = metadata;
    }

    public string ClientId { get; }

    public string? UserId { get; }

    public IReadOnlySet<string> Topics { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether an event for <paramref name="audience"/> is for this connection.</summary>
    public bool IsIn(Audience audience) => audience.Matches(ClientId, UserId, (IReadOnlyCollection<string>)Topics, Metadata);
}
