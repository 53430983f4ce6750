using System.Net;
using System.Text.RegularExpressions;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// <c>deploy/prometheus/alerts.yml</c>: it parses, every rule is complete, the alerts the runbook names exist, and
/// every series an expression selects (with the labels it matches on) is one a real node exposes at
/// <c>/metrics</c> after traffic — so a renamed metric breaks this test instead of silently muting an alert.
/// </summary>
/// <remarks>Serial for the same reason as <see cref="MetricsTests"/>: it starts hosts and reads their <c>/metrics</c>.</remarks>
[Collection(SerialCollection.Name)]
public sealed partial class AlertRulesTests
{
    private const string AlertsPath = "deploy/prometheus/alerts.yml";

    /// <summary>Series Prometheus itself creates, not the app.</summary>
    private static readonly string[] PrometheusSeries = ["up"];

    /// <summary>Labels Prometheus attaches at scrape time (and <c>le</c>, on every histogram bucket).</summary>
    private static readonly string[] ScrapeLabels = ["instance", "job", "le"];

    private static readonly string[] PromQlWords =
        ["and", "or", "unless", "offset", "bool", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"];

    [Fact]
    public void Every_rule_is_complete_and_the_required_alerts_exist()
    {
        var rules = Rules();

        rules.Select(r => r.Alert).ShouldBe(
            [
                "BeaconConnectionsDroppedToZero", "BeaconNodeConnectionsDroppedToZero", "BeaconSlowConsumerDisconnects",
                "BeaconDeliveryLatencyHigh", "BeaconRedisErrors", "BeaconNodeHeartbeatMissing", "BeaconNodeDown", "BeaconHttp5xxRate",
            ],
            ignoreOrder: true);
        foreach (var rule in rules)
        {
            rule.Expr.ShouldNotBeNullOrWhiteSpace(rule.Alert);
            Regex.IsMatch(rule.For, @"^\d+[smh]$").ShouldBeTrue($"{rule.Alert}: `for` should be a duration, so one bad scrape does not page anyone");
            rule.Severity.ShouldBeOneOf("critical", "warning");
            rule.Summary.ShouldNotBeNullOrWhiteSpace(rule.Alert);
            (rule.Expr.Count(c => c == '(') == rule.Expr.Count(c => c == ')')).ShouldBeTrue($"{rule.Alert}: unbalanced parentheses");
        }

        Rules().Single(r => r.Alert == "BeaconDeliveryLatencyHigh").Expr.ShouldContain("histogram_quantile(0.99");
        Rules().Single(r => r.Alert == "BeaconDeliveryLatencyHigh").Expr.ShouldContain("> 0.2");
        Rules().Single(r => r.Alert == "BeaconSlowConsumerDisconnects").Expr.ShouldContain("reason=\"slow_consumer\"");
        Rules().Single(r => r.Alert == "BeaconHttp5xxRate").Expr.ShouldContain("http_response_status_code=~\"5..\"");
    }

    [Fact]
    public async Task Every_series_an_alert_selects_is_exposed_by_a_node_after_traffic()
    {
        var selectors = Rules().SelectMany(r => Selectors(r.Expr).Select(s => (r.Alert, s.Metric, s.Labels))).ToArray();
        selectors.ShouldNotBeEmpty();

        var exposition = await ScrapeAfterTrafficAsync();

        foreach (var (alert, metric, labels) in selectors.Where(s => !PrometheusSeries.Contains(s.Metric)))
        {
            var samples = Regex.Matches(exposition, "^" + Regex.Escape(metric) + @"(\{[^}]*\})? ", RegexOptions.Multiline);
            samples.ShouldNotBeEmpty($"{alert} selects {metric}, which /metrics does not expose");
            foreach (var label in labels.Where(l => !ScrapeLabels.Contains(l)))
            {
                samples.Any(s => s.Groups[1].Value.Contains(label + "=\"", StringComparison.Ordinal))
                    .ShouldBeTrue($"{alert} matches {metric} on label '{label}', which no exposed sample has");
            }
        }
    }

    [Fact]
    public void Metric_names_are_extracted_from_promql_without_functions_keywords_or_labels()
    {
        var found = Selectors("""
            sum by (instance) (rate(beacon_disconnects_total{reason="slow_consumer"}[10m])) > 0.05
            and histogram_quantile(0.99, sum by (le) (rate(beacon_delivery_latency_seconds_bucket[5m]))) > 0.2
            and sum(beacon_connections offset 10m) > 20 unless on(instance) up{job="beacon"} == 0
            """);

        found.Select(s => s.Metric).ShouldBe(["beacon_disconnects_total", "beacon_delivery_latency_seconds_bucket", "beacon_connections", "up"]);
        found[0].Labels.ShouldBe(["reason"]);
        found[3].Labels.ShouldBe(["job"]);
    }

    /// <summary>
    /// A Redis-backed node (so the heartbeat gauge exists) after a connect, an event, a disconnect and a Redis
    /// outage (so the Redis error counter has a sample), scraped once.
    /// </summary>
    private static async Task<string> ScrapeAfterTrafficAsync()
    {
        await using var redis = await RedisServer.StartNewAsync();
        return await new AlertsHost(redis.ConnectionString).RunOwnAsync(async host =>
        {
            var user = Unique.Id("alerts");
            await using (var client = await host.ConnectAsync($"userId={user}"))
            {
                var id = await host.PublishAsync("alerts.test", new { n = 1 }, Audiences.Users(user));
                await client.Events.WaitForIdAsync(id);
            }

            await host.WaitForStatsAsync(s => s.ClientsOf(user) == 0, "the stream closed");

            await redis.StopAsync();
            using (var refused = await host.PostEventAsync(new { type = "alerts.test", data = new { n = 2 }, audience = Audiences.All }))
            {
                refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            }

            return await host.Api.GetStringAsync("metrics");
        });
    }

    /// <summary>Each series selector in <paramref name="expr"/>: its metric name and the label names it matches on.</summary>
    internal static IReadOnlyList<(string Metric, string[] Labels)> Selectors(string expr)
    {
        var text = Regex.Replace(expr, @"""(?:[^""\\]|\\.)*""", "\"\"");
        text = Regex.Replace(text, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        text = Regex.Replace(text, @"\[[^\]]*\]", " ");

        var found = new List<(string, string[])>();
        foreach (Match m in Identifier().Matches(text))
        {
            var name = m.Groups["name"].Value;
            var isCall = m.Groups["call"].Success;
            if (isCall || PromQlWords.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var labels = m.Groups["labels"].Success
                ? Regex.Matches(m.Groups["labels"].Value, @"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)").Select(l => l.Groups[1].Value).ToArray()
                : [];
            found.Add((name, labels));
        }

        return found;
    }

    private static IReadOnlyList<Rule> Rules()
    {
        var yaml = DeploymentFilesTests.LoadYaml(AlertsPath);
        var groups = DeploymentFilesTests.List(yaml["groups"]);
        groups.ShouldNotBeEmpty();
        return groups.SelectMany(g => DeploymentFilesTests.List(DeploymentFilesTests.Map(g)["rules"]))
            .Select(DeploymentFilesTests.Map)
            .Select(r => new Rule(
                DeploymentFilesTests.Str(r["alert"]),
                DeploymentFilesTests.Str(r["expr"]),
                r.TryGetValue("for", out var f) ? DeploymentFilesTests.Str(f) : "",
                r.TryGetValue("labels", out var l) && DeploymentFilesTests.Map(l).TryGetValue("severity", out var s) ? DeploymentFilesTests.Str(s) : "",
                r.TryGetValue("annotations", out var a) && DeploymentFilesTests.Map(a).TryGetValue("summary", out var summary) ? DeploymentFilesTests.Str(summary) : ""))
            .ToArray();
    }

    // A name not preceded by a name character, digit or dot (so not the unit of `10m` or part of `0.2`), then
    // either `(` (a function call) or an optional `{...}` label selector.
    [GeneratedRegex(@"(?<![\w:.])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)\s*(?:(?<call>\()|\{(?<labels>[^}]*)\})?")]
    private static partial Regex Identifier();

    private sealed record Rule(string Alert, string Expr, string For, string Severity, string Summary);

    private sealed class AlertsHost(string redis) : BeaconHost(
        ("ConnectionStrings:Redis", redis),
        ("Realtime:NodeId", Unique.Id("alerts-node")),
        ("Realtime:NodeHeartbeatSeconds", "1"));
}
