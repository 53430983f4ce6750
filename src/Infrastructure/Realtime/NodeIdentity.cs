using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime;

/// <summary>This node's id and start time, as reported in <c>connected</c> events and stats.</summary>
public sealed class NodeIdentity(IOptions<RealtimeOptions> options, TimeProvider clock)
{
    /// <summary>The configured <c>Realtime:NodeId</c>, or the host name plus a random suffix.</summary>
    public string NodeId { get; } = string.IsNullOrWhiteSpace(options.Value.NodeId)
        ? $"{Environment.MachineName.ToLowerInvariant()}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 3))}"
        : options.Value.NodeId;

    /// <summary>When this node started.</summary>
    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();
}
