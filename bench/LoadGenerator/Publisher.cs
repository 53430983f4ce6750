using System.Diagnostics;
using System.Text;

namespace Beacon.Bench;

/// <summary>Publishes at a fixed rate over HTTP, stamping each payload with its sequence number and Stopwatch time.</summary>
public sealed class Publisher(SystemUnderTest sut, HttpClient http, PublishLog log, RunOptions options)
{
    public sealed class Stats
    {
        public long Sent, Accepted, Failed;
        public Histogram RoundTrip { get; } = new();
        public double Seconds;
        public string? FirstError;
    }

    /// <summary>Publishes <c>rate × seconds</c> events, evenly spaced, each to <paramref name="target"/>(i).</summary>
    public async Task<Stats> RunAsync(double rate, double seconds, Func<long, int> target, int padBytes, CancellationToken ct)
    {
        var stats = new Stats();
        var pad = new string('x', padBytes);
        var total = (long)Math.Round(rate * seconds);
        using var inflight = new SemaphoreSlim(options.MaxInFlight);
        var tasks = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp();
        long i = 0;
        while (i < total && !ct.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var due = Math.Min(total, (long)(elapsed * rate) + 1);
            while (i < due)
            {
                await inflight.WaitAsync(ct);
                tasks.Add(SendAsync(target(i), pad, stats, inflight, ct));
                i++;
            }
            // Sleep until the next event is due, at least 1 ms (Task.Delay truncates to whole milliseconds, and a shorter
            // wait completes at once): looping without a wait while the next event was under 0.5 ms away made the
            // publisher spin a whole core at 2,000 events/s (64% of the generator's samples in the targeted scenario),
            // which saturated the machine and showed up as every server's p99. At that rate events now go out in
            // bursts of 2-4 per timer tick; each is still stamped just before its own request.
            var wait = i / rate - Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, wait * 1000)), ct);
        }
        await Task.WhenAll(tasks);
        stats.Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return stats;
    }

    private async Task SendAsync(int target, string pad, Stats stats, SemaphoreSlim inflight, CancellationToken ct)
    {
        long seq = -1;
        try
        {
            seq = log.Reserve(target);
            var t = Stopwatch.GetTimestamp();
            var payload = Encoding.UTF8.GetBytes($"{{\"s\":{seq},\"t\":{t},\"p\":\"{pad}\"}}");
            using var request = sut.CreatePublish(seq, target, payload);
            using var response = await http.SendAsync(request, ct);
            stats.RoundTrip.RecordTicks(Stopwatch.GetTimestamp() - t);
            Interlocked.Increment(ref stats.Sent);
            if (response.IsSuccessStatusCode)
            {
                log.Complete(seq, true);
                Interlocked.Increment(ref stats.Accepted);
            }
            else
            {
                log.Complete(seq, false);
                Interlocked.Increment(ref stats.Failed);
                stats.FirstError ??= $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}";
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            if (seq >= 0) log.Complete(seq, false);
            Interlocked.Increment(ref stats.Failed);
            stats.FirstError ??= e.Message;
        }
        finally
        {
            inflight.Release();
        }
    }
}
