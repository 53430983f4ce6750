namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Who is subscribed to a topic right now, across the cluster: the viewers of a page, the occupants of a room. Read by
/// <c>GET /api/sse/topics/{topic}/presence</c>; code in the Beacon host may ask it directly.
/// </summary>
public interface ITopicPresence
{
    /// <summary>The open connections subscribed to <paramref name="topic"/> and their distinct users.</summary>
    /// <exception cref="Exceptions.ServiceUnavailableException">The cluster's figures could not be read.</exception>
    Task<TopicPresence> GetAsync(string topic, CancellationToken cancellationToken = default);
}

/// <summary>A topic's subscribers.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Connections">Open connections subscribed to it (SSE streams, WebSockets and waiting long polls) on every live node.</param>
/// <param name="Users">
/// Distinct signed-in users among them over the whole cluster: a user with streams on two nodes counts once.
/// Anonymous connections count as connections only.
/// </param>
public sealed record TopicPresence(string Topic, int Connections, int Users);
