namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Which topics a subscriber may open a stream on (<c>GET /api/sse</c>, <c>/api/ws</c>, the long poll), asked once per
/// connect that names topics. Beacon's default keeps topics under <c>Realtime:PrivateTopicPrefixes</c> for subscribers
/// whose token grants them (its <c>topics</c> claim); register another implementation to decide otherwise, e.g. from
/// team membership in a database. The last registration wins.
/// </summary>
public interface ITopicAccessPolicy
{
    /// <summary>The topics of <paramref name="request"/> the subscriber may not have; empty when every one is allowed.</summary>
    ValueTask<IReadOnlyList<string>> DeniedAsync(TopicAccessRequest request, CancellationToken cancellationToken);
}

/// <summary>A subscriber asking for topics.</summary>
/// <param name="UserId">The subscriber; null when anonymous.</param>
/// <param name="Grants">
/// What the subscriber's token grants: topic names, or prefixes ending in <c>*</c> (<c>*</c> alone: every topic). An
/// admin's grants are <c>*</c>; an anonymous subscriber has none.
/// </param>
/// <param name="Topics">The topics asked for, distinct.</param>
public sealed record TopicAccessRequest(string? UserId, IReadOnlyList<string> Grants, IReadOnlyList<string> Topics);
