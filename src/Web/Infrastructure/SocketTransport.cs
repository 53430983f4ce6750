using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Beacon.Web.Infrastructure;

/// <summary>Kestrel's socket transport options, bound from <c>Kestrel:Transport</c>.</summary>
internal static class SocketTransport
{
    /// <summary>The section bound onto <see cref="SocketTransportOptions"/> (e.g. <c>IOQueueCount</c>, <c>Backlog</c>).</summary>
    public const string SectionName = "Kestrel:Transport";

    /// <summary>
    /// Binds the section over Kestrel's own defaults. Beacon changes none of them: sends on the thread pool
    /// (<c>IOQueueCount</c> 0) measured 5% better at p50 at 5,000 × 10/s but 45% worse at 20/s, and one queue worse
    /// at 10/s (bench/README.md, session 5), so the knob is the operator's.
    /// </summary>
    public static IServiceCollection AddBeaconSocketTransport(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<SocketTransportOptions>(o =>
        {
            configuration.GetSection(SectionName).Bind(o);
            if (o.IOQueueCount < 0)
            {
                // Kestrel would quietly take it as 0 (sends on the thread pool); a typo should not change the transport.
                throw new InvalidOperationException($"{SectionName}:IOQueueCount must be 0 (the thread pool) or more, not {o.IOQueueCount}.");
            }
        });
}
