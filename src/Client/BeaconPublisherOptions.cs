namespace Beacon.Client;

/// <summary>Where the Beacon server is and how to authenticate to it.</summary>
public sealed class BeaconPublisherOptions
{
    /// <summary>The server's base address, e.g. <c>https://beacon.example.com/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Returns a token with the <c>publisher</c> (or <c>admin</c>) role, asked before every attempt, so it may refresh
    /// one that is about to expire. Cache it: it is called for every publish.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? TokenProvider { get; set; }
}
