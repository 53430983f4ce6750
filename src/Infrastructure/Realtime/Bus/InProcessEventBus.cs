using System.Threading.Channels;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.History;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Hosting;

namespace Beacon.Infrastructure.Realtime.Bus;

/// <summary>
/// The embedded bus: appends to the in-memory history and hands the event to one dispatch loop that fans
/// it out to the local registry. Appending and enqueueing happen under one lock, so the dispatch order is
/// the id order — which is what lets a resuming connection skip what it already replayed.
/// </summary>
internal sealed class InProcessEventBus(InMemoryEventHistory history, ConnectionRegistry registry, RealtimeCounters counters)
    : BackgroundService, IEventBus
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
        try
        {
            await foreach (var encoded in _dispatch.Reader.ReadAllAsync(stoppingToken))
            {
                using var activity = RealtimeTracing.StartDeliver(encoded.TraceParent, encoded.Type);
                var recipients = registry.Deliver(encoded);
                activity?.SetTag("beacon.recipients", recipients);
                counters.EventDelivered(encoded.Type, recipients);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued events stay in history for clients to resume elsewhere.
        }
    }
}
