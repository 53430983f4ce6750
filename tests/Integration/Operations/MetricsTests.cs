using System.Globalization;
using System.Text.RegularExpressions;
using Beacon.IntegrationTests.Infrastructure;
using Beacon.Web.Infrastructure;

namespace Beacon.IntegrationTests.Operations;

/// <remarks>
/// Serial: OpenTelemetry subscribes to meters by name, process-wide, so the instruments of another host alive in
/// this test process (e.g. <see cref="AlertRulesTests"/>'s) can shadow this host's in its own <c>/metrics</c>. In
/// production there is one host per process.
/// </remarks>
[Collection(SerialCollection.Name)]
public sealed class MetricsTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Metrics_after_traffic_show_connections_events_latency_and_disconnect_reasons()
    {
        var user = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await host.ConnectAsync($"userId={user}");
        var second = await host.ConnectAsync($"userId={user}");
        for (var i = 0; i < 5; i++)
        {
            await host.PublishAsync("metrics.test", new { i }, new { users = new[] { user } });
        }

        await first.Events.WaitForAsync(e => e.Count(x => x.Type == "metrics.test") == 5, "the 5 events");

        // A started stream on plain HTTP/1.1 takes its connection over and its request ends: open streams are not active
        // requests (the scrape itself is the one), and are not in http_server_request_duration either (below).
        var text = string.Empty;
        (await Eventually.TrueAsync(async () =>
            Value(text = await host.Api.GetStringAsync("metrics"), "http_server_active_requests", "", orZero: true) <= 1))
            .ShouldBeTrue("the open streams' requests never ended: " + Value(text, "http_server_active_requests", "", orZero: true));
        await second.DisposeAsync();
        await host.WaitForStatsAsync(s => s.ClientsOf(user) == 1, "the second connection closed");
        (await Eventually.TrueAsync(async () =>
            Value(text = await host.Api.GetStringAsync("metrics"), "beacon_disconnects_total", "reason=\"client\"", orZero: true) >= 1))
            .ShouldBeTrue("the closed stream was never counted");

        Value(text, "beacon_events_published_total", "type=\"metrics.test\"").ShouldBe(5);
        Value(text, "beacon_events_delivered_total", "type=\"metrics.test\"").ShouldBe(10);
        Value(text, "beacon_connections", "transport=\"sse\"").ShouldBeGreaterThanOrEqualTo(1);
        Value(text, "beacon_connects_total", "transport=\"sse\"").ShouldBeGreaterThanOrEqualTo(2);
        Value(text, "beacon_disconnects_total", "reason=\"client\"").ShouldBeGreaterThanOrEqualTo(1);
        Value(text, "beacon_delivery_latency_seconds_count", "").ShouldBeGreaterThanOrEqualTo(1);
        Value(text, "beacon_connection_duration_seconds_count", "reason=\"client\"").ShouldBeGreaterThanOrEqualTo(1);
        text.ShouldContain("beacon_connection_duration_seconds_bucket{otel_scope_name=\"Beacon.Realtime\",reason=\"client\",le=\"3600\"}");
        text.ShouldNotContain("kestrel_connection_duration", customMessage: "Kestrel's per-connection duration series is not collected (a tag list per connection)");
        text.ShouldContain("kestrel_active_connections", customMessage: "Kestrel's other series are");
        var sum = Value(text, "beacon_delivery_latency_seconds_sum", "");
        (sum / Value(text, "beacon_delivery_latency_seconds_count", "")).ShouldBeLessThan(5, "mean publish-to-write latency is seconds, not minutes");
        text.ShouldContain("beacon_queue_depth{");
        text.ShouldContain("http_server_request_duration_seconds_count{");
        text.ShouldNotContain("http_response_status_code=\"499\",http_route=\"/api/sse/\"", customMessage: "a stream written to its socket is not a request Kestrel saw answered");
        text.ShouldContain("dotnet_gc_heap_total_allocated_bytes", customMessage: "the runtime meter (System.Runtime) is exported");

        // The views that set cardinality limits keep each histogram's own bucket advice.
        text.ShouldContain("beacon_delivery_latency_seconds_bucket{otel_scope_name=\"Beacon.Realtime\",le=\"0.0025\"}");
        text.ShouldContain("le=\"0.075\"}", customMessage: "http.server.request.duration keeps ASP.NET Core's buckets");
    }

    [Fact]
    public async Task Resets_are_counted_as_replay_results()
    {
        await using var client = await host.ConnectAsync("userId=metrics-reset", new SseOptions(LastEventId: "not-an-id"));
        await client.Events.WaitForEventAsync("reset");

        // The exporter collects on scrape; give the first collection of a fresh host a moment.
        var exposition = string.Empty;
        var counted = await Eventually.TrueAsync(async () =>
            (exposition = await host.Api.GetStringAsync("metrics")).Contains("beacon_replays_total{otel_scope_name=\"Beacon.Realtime\",result=\"reset\"}", StringComparison.Ordinal));
        counted.ShouldBeTrue("beacon_replays_total{result=\"reset\"} never appeared; beacon series: " +
            string.Join(" | ", exposition.Split('\n').Where(l => l.StartsWith("beacon_", StringComparison.Ordinal)).Take(20)));
    }

    [Fact]
    public async Task Event_types_past_the_bounded_instruments_limit_each_keep_their_own_series()
    {
        // More types than the limit the fixed-label instruments get: the by-type counters must not be capped at it.
        var prefix = "card-" + Guid.NewGuid().ToString("N")[..6] + "-";
        var types = Enumerable.Range(0, Telemetry.BoundedCardinalityLimit + 20).Select(i => prefix + i).ToArray();
        foreach (var type in types)
        {
            await host.PublishAsync(type, new { }, new { users = new[] { "metrics-cardinality" } });
        }

        var text = await host.Api.GetStringAsync("metrics");
        foreach (var type in types)
        {
            Value(text, "beacon_events_published_total", $"type=\"{type}\"").ShouldBe(1);
        }

        text.ShouldNotContain("otel_metric_overflow=\"true\"");
    }

    /// <summary>The sum of every sample of <paramref name="metric"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(string exposition, string metric, string label, bool orZero = false)
    {
        var samples = Regex.Matches(exposition, "^" + Regex.Escape(metric) + @"(\{[^}]*\})? ([0-9.eE+-]+)", RegexOptions.Multiline)
            .Where(m => m.Groups[1].Value.Contains(label, StringComparison.Ordinal))
            .Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
            .ToArray();
        if (!orZero)
        {
            samples.ShouldNotBeEmpty($"{metric}{{{label}}} is not exposed");
        }

        return samples.Sum();
    }
}
