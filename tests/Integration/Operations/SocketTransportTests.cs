using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Beacon.IntegrationTests.Operations;

/// <summary>Kestrel's socket transport: Kestrel's defaults unless <c>Kestrel:Transport</c> says otherwise.</summary>
public sealed class SocketTransportTests
{
    [Fact]
    public async Task Without_the_section_kestrels_defaults_stand_and_streams_deliver()
    {
        var host = new BeaconHost();
        await host.InitializeAsync();
        try
        {
            host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.IOQueueCount.ShouldBe(new SocketTransportOptions().IOQueueCount);

            var user = Unique.Id("transport");
            await using var stream = await host.ConnectAsync($"userId={user}");
            var id = await host.PublishAsync("test.transport", new { n = 1 }, new { users = new[] { user } });
            await stream.Events.WaitForIdAsync(id);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_transport_section_overrides_the_default()
    {
        var host = new TransportHost(("Kestrel:Transport:IOQueueCount", "0"), ("Kestrel:Transport:Backlog", "64"));
        await host.InitializeAsync();
        try
        {
            var options = host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
            options.IOQueueCount.ShouldBe(0);
            options.Backlog.ShouldBe(64);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_negative_queue_count_stops_startup_with_the_key_in_the_message()
    {
        // Startup fails only if Kestrel itself reads these options: proof the section reaches the transport in use.
        var host = new TransportHost(("Kestrel:Transport:IOQueueCount", "-1"));
        var failure = await Should.ThrowAsync<Exception>(host.InitializeAsync);
        failure.ToString().ShouldContain("Kestrel:Transport:IOQueueCount");
        await host.DisposeAsync();
    }

    private sealed class TransportHost(params (string Key, string Value)[] settings) : BeaconHost(settings);
}
