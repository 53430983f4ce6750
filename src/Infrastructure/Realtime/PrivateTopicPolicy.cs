using Beacon.Application.Common.Interfaces;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime;

/// <summary>
/// The default <see cref="ITopicAccessPolicy"/>: a topic that starts with one of <see cref="RealtimeOptions.PrivateTopicPrefixes"/>
/// needs a grant that names it or a prefix of it; every other topic is open to any subscriber, as Beacon's topics
/// were before private ones. Subscribers choose their topics, so without this a private topic is one anybody can name.
/// </summary>
internal sealed class PrivateTopicPolicy(IOptions<RealtimeOptions> options) : ITopicAccessPolicy
{
    private readonly string[] _prefixes = options.Value.PrivateTopicPrefixList();

    public ValueTask<IReadOnlyList<string>> DeniedAsync(TopicAccessRequest request, CancellationToken cancellationToken)
    {
        List<string>? denied = null;
        foreach (var topic in request.Topics)
        {
            if (IsPrivate(topic) && !IsGranted(topic, request.Grants))
            {
                (denied ??= []).Add(topic);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(denied ?? []);
    }

    private bool IsPrivate(string topic) => _prefixes.Any(prefix => topic.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>An exact name, or a grant ending in <c>*</c> whose part before it starts the topic.</summary>
    private static bool IsGranted(string topic, IReadOnlyList<string> grants) => grants.Any(grant =>
        grant.EndsWith('*') ? topic.StartsWith(grant.AsSpan(0, grant.Length - 1), StringComparison.Ordinal) : topic == grant);
}
