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

    public static WebApplication MapBeaconTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
