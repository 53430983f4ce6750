using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Beacon.Web.Infrastructure;

/// <summary>Kestrel's socket transport, tuned for fan-out and overridable from <c>Kestrel:Transport</c>.</summary>
internal static class SocketTransport
{
    /// <summary>The section bound onto <see cref="SocketTransportOptions"/> (e.g. <c>IOQueueCount</c>, <c>Backlog</c>).</summary>
    public const string SectionName = "Kestrel:Transport";

    /// <summary>
    /// Sends run on the thread pool (<c>IOQueueCount = 0</c>) rather than on Kestrel's per-core I/O queues.
    /// A broadcast is thousands of small sends at once; on the queues each flush is handed to another thread and
    /// waits behind every other connection of its queue. Measured in bench/README.md (session 5): 5,000 × 10/s
    /// p50 / p99 50 / 119 → 43 / 94 ms and 0.80 → 0.71 server cores, over five alternating runs.
    /// </summary>
    public const int DefaultIOQueueCount = 0;

    public static IServiceCollection AddBeaconSocketTransport(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<SocketTransportOptions>(o =>
        {
            o.IOQueueCount = DefaultIOQueueCount;
            configuration.GetSection(SectionName).Bind(o);
            if (o.IOQueueCount < 0)
            {
                // Kestrel would fail on the first connection; say so at startup, with the key.
                throw new InvalidOperationException($"{SectionName}:IOQueueCount must be 0 (the thread pool) or more, not {o.IOQueueCount}.");
            }
        });
}
