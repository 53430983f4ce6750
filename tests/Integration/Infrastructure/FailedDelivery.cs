using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// Makes a node's delivery fail, as a bug in it would: a connection whose event filter throws is registered ahead of a
/// real stream. A bus that takes an event counts it as delivered, so the streams must not silently go without it.
/// </summary>
public static class FailedDelivery
{
    /// <summary>
    /// Opens a stream on <paramref name="node"/>, publishes with <paramref name="publish"/> while delivery fails, and checks
    /// that the stream is closed and that resuming it from its <c>connected</c> id gets the event.
    /// </summary>
    public static async Task StreamResumesWithTheEventAsync(BeaconHost node, Func<Task<string>> publish)
    {
        var registry = node.Services.GetRequiredService<ConnectionRegistry>();
        var broken = new SseConnection(
            new ConnectionScope("broken-" + Guid.NewGuid().ToString("N"), null, [], new Dictionary<string, string>()),
            sessionId: null, queueCapacity: 16, DateTimeOffset.UtcNow, node.Services.GetRequiredService<RealtimeCounters>())
        {
            Profile = new SseStreamProfile { EventTypes = new ThrowingSet() },
        };
        registry.TryAdd(broken, int.MaxValue).ShouldBeTrue();
        try
        {
            await using var stream = await node.ConnectAsync($"userId=failure-{Guid.NewGuid():N}");
            var published = await publish();

            // Whether or not this stream was reached before the failure, it is closed to resume from history.
            await stream.Events.WaitForEndAsync();
            registry.Remove(broken);

            var resumeFrom = stream.Events.All.First(e => e.Type == "connected").Id;
            await using var resumed = await node.ConnectAsync($"userId={stream.Connected.UserId}", new SseOptions(LastEventId: resumeFrom));
            await resumed.Events.WaitForIdAsync(published);
        }
        finally
        {
            registry.Remove(broken);
        }
    }

    /// <summary>An event-type filter whose every question fails.</summary>
    private sealed class ThrowingSet : IReadOnlySet<string>
    {
        public int Count => 1;

        public bool Contains(string item) => throw new InvalidOperationException("delivery failed (test)");

        public IEnumerator<string> GetEnumerator() => Enumerable.Empty<string>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public bool IsProperSubsetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool IsProperSupersetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool IsSubsetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool IsSupersetOf(IEnumerable<string> other) => throw new NotSupportedException();

        public bool Overlaps(IEnumerable<string> other) => throw new NotSupportedException();

        public bool SetEquals(IEnumerable<string> other) => throw new NotSupportedException();
    }
}
