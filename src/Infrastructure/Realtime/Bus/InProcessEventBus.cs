using System.Threading.Channels;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Beacon.Infrastructure.Realtime.Bus;

/// <summary>
/// The embedded bus: appends to the in-memory history and hands the event to one dispatch loop that fans
/// it out to the local registry. Appending and enqueueing happen under one lock, so the dispatch order is
/// the id order — which is what lets a resuming connection skip what it already replayed.
/// </summary>
internal sealed partial class InProcessEventBus(
    InMemoryEventHistory history,
    ConnectionRegistry registry,
    RealtimeCounters counters,
    ILogger<InProcessEventBus> logger) : BackgroundService, IEventBus
{
    private readonly Lock _gate = new();
    private readonly Channel<EncodedEvent> _dispatch = Channel.CreateUnbounded<EncodedEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask<string> PublishAsync(RealtimeEvent realtimeEvent, Audience audience, CancellationToken cancellationToken)
    {
        EncodedEvent encoded;
        lock (_gate)
        {
            encoded = history.Append(realtimeEvent, audience, System.Diagnostics.Activity.Current?.Id);
            _dispatch.Writer.TryWrite(encoded);
        }

        counters.EventPublished(encoded.Type, encoded.PublishedAt);
        return ValueTask.FromResult(encoded.Id!);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _dispatch.Reader;
        var waiting = new List<EncodedEvent>(SharedFanOut.MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                // What has piled up behind a slow fan-out is delivered together (EventDispatch batches broadcasts).
                while (waiting.Count < SharedFanOut.MaxBatch && reader.TryRead(out var encoded))
                {
                    waiting.Add(encoded);
                }

                try
                {
                    EventDispatch.Deliver(registry, counters, waiting);
                }
                catch (Exception ex)
                {
                    // Some streams may lack events that are in history: they resume from it, and the loop goes on
                    // (ending it would stop delivery on this node and, by default, the host with its history).
                    LogDeliveryFailed(logger, ex, registry.CloseAll(CloseReason.Resync));
                }

                waiting.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued events stay in history for clients to resume elsewhere.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering events failed; closed {Count} streams so they resume from history")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, int count);
}
