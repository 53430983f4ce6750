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
            var wait = i / rate - Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (wait > 0.0005) await Task.Delay(TimeSpan.FromSeconds(wait), ct);
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
