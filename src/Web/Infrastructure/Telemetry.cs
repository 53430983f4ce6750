using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Beacon.Web.Infrastructure;

/// <summary>OpenTelemetry: Beacon's realtime meter and ASP.NET Core's own, exported for Prometheus at <c>/metrics</c>.</summary>
internal static class Telemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddBeaconTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(Beacon.Infrastructure.DependencyInjection.RealtimeMeterName)
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing => tracing
                .AddSource(Beacon.Infrastructure.DependencyInjection.RealtimeActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath)));
        return services;
    }

    public static WebApplication MapBeaconTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
