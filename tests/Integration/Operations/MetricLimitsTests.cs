using System.Diagnostics.Metrics;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Web.Infrastructure;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// Which instruments get the small cardinality limit (the SDK allocates storage for the whole limit up front) and which
/// keep the SDK's default because callers choose their labels.
/// </summary>
/// <remarks>
/// The instruments are created on a meter of this test's own: OpenTelemetry subscribes to meters by name, process-wide,
/// and an instrument on a real meter's name would show up in the other hosts' <c>/metrics</c>.
/// </remarks>
public sealed class MetricLimitsTests
{
    [Theory]
    [InlineData("dotnet.gc.collections")]
    [InlineData("kestrel.active_connections")]
    [InlineData("http.server.active_requests")]
    [InlineData("beacon.disconnects")]
    public void Instruments_with_fixed_labels_get_the_bounded_limit(string instrumentName)
    {
        using var meter = new Meter(nameof(MetricLimitsTests));
        var stream = Telemetry.StreamFor(meter.CreateCounter<long>(instrumentName));

        stream.ShouldNotBeNull().CardinalityLimit.ShouldBe(Telemetry.BoundedCardinalityLimit);
    }

    [Theory]
    [InlineData("http.server.request.duration")]
    [InlineData(RealtimeCounters.EventsPublishedName)]
    [InlineData(RealtimeCounters.EventsDeliveredName)]
    public void Instruments_labelled_by_what_callers_choose_keep_the_default(string instrumentName)
    {
        using var meter = new Meter(nameof(MetricLimitsTests));

        Telemetry.StreamFor(meter.CreateCounter<long>(instrumentName)).ShouldBeNull();
    }

    [Fact]
    public void Kestrels_connection_duration_is_not_collected()
    {
        using var meter = new Meter(nameof(MetricLimitsTests));

        Telemetry.StreamFor(meter.CreateHistogram<double>("kestrel.connection.duration")).ShouldBeSameAs(OpenTelemetry.Metrics.MetricStreamConfiguration.Drop);
    }
}
