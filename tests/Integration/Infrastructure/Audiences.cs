namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>Audience bodies for <c>POST /api/events</c>, as a client would send them.</summary>
public static class Audiences
{
    public static readonly object All = new { all = true };

    public static object Users(params string[] users) => new { users };

    public static object Topics(params string[] topics) => new { topics };

    public static object Clients(params string[] clients) => new { clients };

    public static object Metadata(Dictionary<string, string> metadata) => new { metadata };
}
