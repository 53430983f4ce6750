namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>Builds escaped query strings: <c>Query.Of(("userId", u), ("topics", "a,b"))</c>.</summary>
public static class Query
{
    public static string Of(params (string Key, string Value)[] pairs) =>
        string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>A query claiming <paramref name="userId"/> (anonymous mode).</summary>
    public static string User(string userId) => Of(("userId", userId));
}

/// <summary>Ids that no other test uses, so tests sharing a host never see each other's events.</summary>
public static class Unique
{
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
}

/// <summary>Polling with a deadline, for state that has no event to wait on (stats).</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + (within ?? EventCollector.DefaultTimeout);
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(25));
        }
    }
}
