using Beacon.IntegrationTests.Security;

namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// A started stream on plain HTTP/1.1 takes its connection over from Kestrel's HTTP layer: its request ends (and is
/// logged) at once, so Kestrel keeps no request state for the stream's life, while the stream goes on over the same
/// connection and still ends as before.
/// </summary>
public sealed class StreamHandoverTests(HardenedHost host) : IClassFixture<HardenedHost>
{
    [Fact]
    public async Task A_started_streams_request_ends_at_once_and_the_stream_goes_on()
    {
        var device = Unique.Id("handover");
        await using var wire = await RawHttp.OpenAsync(host.BaseAddress, $"/api/sse?{Query.Of(("userId", Unique.Id("user")), ("device", device))}");
        (await wire.ReadHeadAsync()).ShouldStartWith("HTTP/1.1 200 OK\r\n");
        var clientId = await wire.ReadClientIdAsync();

        var ended = await Eventually.TrueAsync(() => Task.FromResult(host.Logged.Any(l => l.Contains($"device={device}", StringComparison.Ordinal) && l.Contains("-> 200", StringComparison.Ordinal))));
        ended.ShouldBeTrue("the stream's request was not over while the stream was open");

        var id = await host.PublishAsync("handover.event", new { n = 1 }, Audiences.All);
        await wire.ReadUntilAsync($"id: {id}\n");
        (await wire.ReadUntilAsync("\n\n")).ShouldBe("event: handover.event\ndata: {\"n\":1}\n\n", "the stream outlives its request");

        await host.DisconnectClientAsync(clientId);
        var rest = await wire.ReadToEndAsync();
        rest.ShouldEndWith("\r\n0\r\n\r\n", customMessage: "the last chunk, then the connection closes");
        rest.ShouldNotContain("HTTP/1.1", customMessage: "the ended request's own answer never reaches the wire");
    }
}
