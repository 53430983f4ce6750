using System.Diagnostics.Metrics;
using Beacon.Infrastructure.Realtime.Hub;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// OpenTelemetry: Beacon's realtime meter, ASP.NET Core's and the runtime's, exported for Prometheus at <c>/metrics</c>;
/// traces only when an OTLP endpoint is configured.
/// </summary>
internal static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>Where traces go (OTLP over HTTP/protobuf, e.g. <c>http://collector:4318</c>); unset means no tracing.</summary>
    public const string OtlpEndpointKey = "Telemetry:OtlpEndpoint";

    public static IServiceCollection AddBeaconTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(Beacon.Infrastructure.DependencyInjection.RealtimeMeterName)
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.MemoryPool", "Microsoft.AspNetCore.RateLimiting")
                .AddMeter("System.Runtime")
                .AddView(StreamFor)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        // A tracer provider without an exporter still samples every request and keeps each SSE request's span (and
        // its tags) alive for the life of the stream: memory per connection spent on spans nobody reads.
        var endpoint = configuration[OtlpEndpointKey] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"{OtlpEndpointKey} must be an absolute http(s) URL, e.g. http://collector:4318.");
            }

            otel.WithTracing(tracing => tracing
                .AddSource(Beacon.Infrastructure.DependencyInjection.RealtimeActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = new Uri(uri.AbsoluteUri.TrimEnd('/') + "/v1/traces");
                }));
        }

        return services;
    }

    /// <summary>
    /// The number of label combinations kept for an instrument whose labels come from a short, fixed list (the runtime's,
    /// Kestrel's, rate limiting's, and Beacon's connection and Redis series).
    /// </summary>
    public const int BoundedCardinalityLimit = 100;

    /// <summary>
    /// Instruments labelled with what callers choose (a route, a status code, an event type): these keep the SDK's
    /// default limit of 2,000 combinations, past which it reports one <c>otel_metric_overflow</c> series.
    /// </summary>
    private static readonly HashSet<string> OpenEndedInstruments = new(StringComparer.Ordinal)
    {
        "http.server.request.duration",
        RealtimeCounters.EventsPublishedName,
        RealtimeCounters.EventsDeliveredName,
    };

    /// <summary>
    /// The SDK allocates the storage for an instrument's whole limit up front: 2,000 points of 72 bytes, 144 KB for each
    /// of the 44 series Beacon exports, 6.3 MB per node that a few of those series can use. The others never see more
    /// than a few dozen label combinations.
    /// </summary>
    internal static MetricStreamConfiguration? StreamFor(Instrument instrument) =>
        instrument.Name == KestrelConnectionDuration ? MetricStreamConfiguration.Drop
        : OpenEndedInstruments.Contains(instrument.Name) ? null
        : new MetricStreamConfiguration { CardinalityLimit = BoundedCardinalityLimit };

    /// <summary>
    /// Not collected. While it is, Kestrel gives every connection a tag list (about 140 bytes)
    /// that lives as long as the connection, which for a stream is hours; <c>beacon.connection.duration</c> reports
    /// stream lifetimes instead.
    /// </summary>
    internal const string KestrelConnectionDuration = "kestrel.connection.duration";

    public static WebApplication MapBeaconTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
