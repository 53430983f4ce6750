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
        var reader = _dispatch.Reader;
        var batch = new List<EncodedEvent>(SharedFanOut.MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (reader.TryRead(out var encoded))
                {
                    // Broadcasts that have piled up behind a slow fan-out go out together: each connection gets them in
                    // one write, so the cost per delivery falls as the backlog grows and the loop catches up, rather
                    // than one system call per event per connection keeping it behind (bench/README.md, session 16).
                    batch.Add(encoded);
                    while (encoded.Audience.Kind == AudienceKind.All && batch.Count < SharedFanOut.MaxBatch
                        && reader.TryPeek(out var next) && next.Audience.Kind == AudienceKind.All && reader.TryRead(out next))
                    {
                        batch.Add(next);
                    }

                    Deliver(batch);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued events stay in history for clients to resume elsewhere.
        }
    }

    private void Deliver(List<EncodedEvent> batch)
    {
        if (batch.Count == 1)
        {
            var encoded = batch[0];
            using var activity = RealtimeTracing.StartDeliver(encoded.TraceParent, encoded.Type);
            var recipients = registry.Deliver(encoded);
            activity?.SetTag("beacon.recipients", recipients);
            counters.EventDelivered(encoded.Type, recipients);
            return;
        }

        var frames = batch.ToArray();
        var delivered = new int[frames.Length];
        registry.Deliver(frames, delivered);
        for (var i = 0; i < frames.Length; i++)
        {
            using var activity = RealtimeTracing.StartDeliver(frames[i].TraceParent, frames[i].Type);
            activity?.SetTag("beacon.recipients", delivered[i]);
            activity?.SetTag("beacon.batch", frames.Length);
            counters.EventDelivered(frames[i].Type, delivered[i]);
        }
    }
}
