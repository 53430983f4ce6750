using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Beacon.IntegrationTests.Sse;

/// <summary>A client that stops reading is cut off once its 16-frame queue fills; nobody else waits for it.</summary>
[Collection(SerialCollection.Name)]
public sealed class SlowConsumerTests(SmallQueueHost host, ITestOutputHelper output) : IClassFixture<SmallQueueHost>
{
    private const int Readers = 100;
    private const int Batch = 10;
    private const int MaxEvents = 3000;

    [Fact]
    public async Task Client_that_stops_reading_is_disconnected_while_100_readers_receive_every_event()
    {
        var stalledUser = Unique.Id("stalled");
        await using var stalled = await host.OpenStreamAsync(Query.User(stalledUser), new SseOptions(Read: false, ReceiveBufferBytes: 4096));
        stalled.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var readers = await host.ConnectManyAsync(Readers, _ => Query.User(Unique.Id("reader")), new SseOptions(KeepData: false));
        try
        {
            var before = await host.GetStatsAsync();
            before.ClientsOf(stalledUser).ShouldBe(1);

            // 32 KB events to everyone, in batches; every reader must have each batch before the next one goes
            // out, so only the stalled client can fall behind. Its socket buffers fill, then its queue.
            var pad = new string('x', 32 * 1024);
            var published = new List<string>();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                for (var i = 0; i < Batch; i++)
                {
                    published.Add(await host.PublishAsync("load", new { n = published.Count + 1, pad }, Audiences.All));
                }

                await Task.WhenAll(readers.Select(r => r.Events.WaitForIdAsync(published[^1], TimeSpan.FromSeconds(20))));
                if ((await host.GetStatsAsync()).ClientsOf(stalledUser) == 0)
                {
                    break;
                }

                published.Count.ShouldBeLessThan(MaxEvents, $"the stalled client was still connected after {published.Count} events of 32 KB");
            }

            // Life goes on for everyone else.
            for (var i = 0; i < Batch; i++)
            {
                published.Add(await host.PublishAsync("load", new { n = published.Count + 1, pad = "small" }, Audiences.All));
            }

            await Task.WhenAll(readers.Select(r => r.Events.WaitForIdAsync(published[^1])));
            var elapsed = clock.Elapsed;
            output.WriteLine($"{published.Count} events to {Readers} readers in {elapsed.TotalSeconds:0.0} s; the stalled client was cut off after {published.Count - Batch}.");

            foreach (var reader in readers)
            {
                reader.Events.HasEnded.ShouldBeFalse();
                reader.Events.OfType("load").Select(e => e.Id).ShouldBe(published, $"reader {reader.ClientId} missed or repeated events");
            }

            var after = await host.WaitForStatsAsync(s => s.SlowConsumerDisconnects >= 1 && s.TotalClients == Readers, "the stalled client counted as a slow consumer");
            after.SlowConsumerDisconnects.ShouldBeGreaterThan(before.SlowConsumerDisconnects);
            after.ClientsOf(stalledUser).ShouldBe(0);

            // The stalled client's stream is over: reading it now yields what was buffered, then the end.
            stalled.StartReading(keepData: false);
            await stalled.Events.WaitForEndAsync(TimeSpan.FromSeconds(20));
            stalled.Events.OfType("load").Count.ShouldBeLessThan(published.Count);
            elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"{published.Count} events took {elapsed}");
        }
        finally
        {
            await Task.WhenAll(readers.Select(r => r.DisposeAsync().AsTask()));
        }
    }
}
