namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that load the machine (hundreds of connections, megabytes per event) run on their own, after the
/// parallel ones, so they neither slow the timing-sensitive tests down nor are slowed down by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial (load)";
}
