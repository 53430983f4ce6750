using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>
/// Names the history streams an event is stored in and a connection replays from: <c>global</c>,
/// <c>user:{id}</c>, <c>topic:{name}</c>, and <c>meta</c> (metadata audiences, filtered at replay).
/// Client-addressed events are live only: a connection id does not survive a reconnect.
/// </summary>
internal static class HistoryStreams
{
    public const string Global = "global";
    public const string Metadata = "meta";

    public static string User(string userId) => "user:" + userId;

    public static string Topic(string topic) => "topic:" + topic;

    /// <summary>The streams an event for <paramref name="audience"/> is appended to.</summary>
    public static IEnumerable<string> For(Audience audience) => audience.Kind switch
    {
        AudienceKind.All => [Global],
        AudienceKind.Users => audience.Targets.Select(User),
        AudienceKind.Topics => audience.Targets.Select(Topic),
        AudienceKind.Metadata => [Metadata],
        _ => [],
    };

    /// <summary>The streams a connection replays from.</summary>
    public static IEnumerable<string> For(ConnectionScope scope)
    {
        yield return Global;
        if (scope.UserId is not null)
        {
            yield return User(scope.UserId);
        }

        foreach (var topic in scope.Topics)
        {
            yield return Topic(topic);
        }

        if (scope.Metadata.Count > 0)
        {
            yield return Metadata;
        }
    }
}
