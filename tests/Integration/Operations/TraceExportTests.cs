using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Beacon.IntegrationTests.Operations;

/// <summary>Traces are exported over OTLP when an endpoint is configured, and no tracer runs when none is.</summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task With_an_otlp_endpoint_publish_and_delivery_spans_reach_the_collector()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        await new TracedHost(collector.Endpoint).RunOwnAsync(async host =>
        {
            var user = Unique.Id("traced");
            await using var stream = await host.ConnectAsync($"userId={user}");
            var id = await host.PublishAsync("test.exported", new { n = 1 }, new { users = new[] { user } });
            await stream.Events.WaitForIdAsync(id);

            // Span names and tag values travel as plain UTF-8 strings inside the protobuf body.
            var exported = await Eventually.TrueAsync(
                () => Task.FromResult(collector.Contains("beacon.publish") && collector.Contains("beacon.deliver") && collector.Contains(id)),
                TimeSpan.FromSeconds(20));
            exported.ShouldBeTrue($"the collector received {collector.Requests} export request(s) without both spans of event {id}");
        });
    }

    [Fact]
    public Task Without_an_endpoint_nothing_opens_a_span_per_request() => new BeaconHost().RunOwnAsync(host =>
    {
        host.Services.GetService<TracerProvider>().ShouldBeNull();

        // ASP.NET Core starts an Activity for every request while this category is enabled at any level.
        var hostingLog = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        hostingLog.IsEnabled(LogLevel.Critical).ShouldBeFalse();
        return Task.CompletedTask;
    });

    [Fact]
    public async Task A_malformed_endpoint_stops_startup_with_a_clear_message()
    {
        var host = new TracedHost("collector:4318");
        var failure = await Should.ThrowAsync<Exception>(host.InitializeAsync);
        var message = failure.ToString();
        message.ShouldContain("Telemetry:OtlpEndpoint");
        await host.DisposeAsync();
    }

    private sealed class TracedHost(string endpoint) : BeaconHost(("Telemetry:OtlpEndpoint", endpoint), ("OTEL_BSP_SCHEDULE_DELAY", "200"));

    /// <summary>Accepts OTLP/HTTP trace exports on a loopback port and keeps their raw bodies.</summary>
    private sealed class FakeOtlpCollector : IAsyncDisposable
    {
        private readonly ConcurrentQueue<byte[]> _bodies = new();
        private WebApplication _app = null!;

        public string Endpoint { get; private set; } = null!;

        public int Requests => _bodies.Count;

        public static async Task<FakeOtlpCollector> StartAsync()
        {
            var collector = new FakeOtlpCollector();
            (collector._app, var port) = await LoopbackApp.StartAsync(app => app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector._bodies.Enqueue(body.ToArray());
                return Results.Ok();
            }));
            collector.Endpoint = $"http://127.0.0.1:{port}";
            return collector;
        }

        public bool Contains(string text)
        {
            var needle = Encoding.UTF8.GetBytes(text);
            return _bodies.Any(body => body.AsSpan().IndexOf(needle) >= 0);
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
