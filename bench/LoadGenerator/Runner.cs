using System.Diagnostics;
using System.Net;

namespace Beacon.Bench;

/// <summary>Runs the scenarios against one system and returns one result object per scenario.</summary>
public sealed class Runner(SystemUnderTest sut, RunOptions options, HttpClient http, bool firstBeacon)
{
    private readonly Recorder _recorder = new();
    private readonly PublishLog _log = new(4_000_000);
    private readonly List<Subscriber> _subs = [];
    private Route _route = Route.Broadcast;
    private readonly CancellationTokenSource _cts = new();

    private static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    public async Task<Dictionary<string, Dictionary<string, object?>>> RunAsync()
    {
        var results = new Dictionary<string, Dictionary<string, object?>>();
        var sw = Stopwatch.StartNew();
        try
        {
            await sut.StartAsync(options, http);
        }
        catch (Exception e)
        {
            Log($"{sut.Name}: failed to start: {e.Message}");
            foreach (var s in options.Scenarios) results[s] = Error(e);
            await sut.DisposeAsync();
            return results;
        }
        Log($"{sut.Name}: started in {sw.Elapsed.TotalSeconds:F1} s ({sut.Description})");

        foreach (var scenario in options.Scenarios)
        {
            if (!Applies(scenario, out var why))
            {
                Log($"{sut.Name}: {scenario} skipped ({why})");
                continue;
            }
            var started = Stopwatch.StartNew();
            try
            {
                sut.CheckAlive();
                switch (scenario)
                {
                    case "idle":
                        results["idle"] = await IdleAsync();
                        await RestartAfterIdleAsync();
                        break;
                    case "broadcast":
                        foreach (var rate in options.BroadcastRates)
                        {
                            results[$"broadcast{rate:0}"] = await BroadcastAsync(rate);
                        }
                        break;
                    case "targeted": results["targeted"] = await TargetedAsync(); break;
                    case "storm": results["storm"] = await StormAsync(); break;
                    case "slow": results["slow"] = await SlowAsync(); break;
                    default: throw new ArgumentException($"unknown scenario {scenario}");
                }
            }
            catch (Exception e)
            {
                Log($"{sut.Name}: {scenario} failed: {e}");
                results[scenario] = Error(e);
            }
            Log($"{sut.Name}: {scenario} took {started.Elapsed.TotalSeconds:F1} s");
        }

        await CloseAllAsync();
        _cts.Cancel();
        await sut.DisposeAsync();
        Log($"{sut.Name}: done in {sw.Elapsed.TotalSeconds:F0} s");
        return results;
    }

    /// <summary>
    /// Idle leaves the server with 10,000 connections' state, half of it dead once the next scenario drops to 5,000.
    /// In a .NET server that garbage is swept by the next full collection, which then compacts: a one-off stop of
    /// about 160 ms that lands in whichever scenario comes next (bench/README.md, session 7). The later scenarios
    /// measure their own load, so they start from a fresh process, for every system alike. `--quick` holds too few
    /// connections for it to matter and restarts Beacon only, so the smoke test still runs this path.
    /// </summary>
    private async Task RestartAfterIdleAsync()
    {
        if ((options.Quick && sut.Name != "beacon") || options.Scenarios.SkipWhile(s => s != "idle").Skip(1).All(s => !Applies(s, out _)))
        {
            return;
        }

        await CloseAllAsync();
        _route = Route.Broadcast;
        var sw = Stopwatch.StartNew();
        await sut.RestartAsync(http, "after-idle");
        Log($"{sut.Name}: restarted after idle in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private bool Applies(string scenario, out string why)
    {
        why = "";
        if (sut.HoldsOnly && scenario != "idle")
        {
            why = "it only holds connections: no events";
            return false;
        }
        var official = sut is SignalRSystem { OfficialClient: true };
        if (options.Quick && scenario is "storm" or "slow" && sut.Name != "beacon")
        {
            why = "quick: storm and slow run on Beacon only";
            return false;
        }
        if (scenario == "storm" && !sut.SupportsResume && !options.Quick)
        {
            why = "no Last-Event-ID resume";
            return false;
        }
        if (scenario is "storm" or "slow" && official)
        {
            why = "the official client cannot drop abruptly or stop reading";
            return false;
        }
        if (scenario is "idle" or "slow" && sut.UsesRedis() && !options.Quick)
        {
            why = "measured on the single-node embedded systems";
            return false;
        }
        return true;
    }

    private static Dictionary<string, object?> Error(Exception e) => new() { ["error"] = e.GetType().Name + ": " + e.Message };

    // ---- connections -------------------------------------------------------------------------------------------

    private Subscriber Create(int index)
    {
        var source = IPAddress.Parse($"127.0.0.{2 + index % Math.Max(1, options.SourceAddresses)}");
        if (sut is SignalRSystem { OfficialClient: true } signalR)
        {
            return new SignalRClientSubscriber(index, index, signalR.HubUrl(index), source, _recorder, _log);
        }
        return new RawSseSubscriber(index, index, sut.Subscribe(index, _route), source, _recorder, _log, http, options);
    }

    /// <summary>Opens or closes subscribers until exactly <paramref name="n"/> are held on <paramref name="route"/>.</summary>
    private async Task<(double Seconds, int Ready)> EnsureAsync(int n, Route route)
    {
        if (route != _route && sut.SeparateTargetedStreams)
        {
            await CloseAllAsync();
        }
        _route = route;
        while (_subs.Count > n)
        {
            var last = _subs[^1];
            _subs.RemoveAt(_subs.Count - 1);
            last.Close(abort: false);
        }
        var sw = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds + n / 500.0);
        while (_subs.Count < n && sw.Elapsed < deadline)
        {
            var batch = Math.Min(options.ConnectBatch, n - _subs.Count);
            var added = new List<Subscriber>(batch);
            for (var i = 0; i < batch; i++)
            {
                var sub = Create(_subs.Count);
                _subs.Add(sub);
                added.Add(sub);
                _ = sub.StartAsync(_cts.Token);
            }
            // Wait for this batch (bounded) before opening the next, so a connect burst never exceeds one batch.
            while (added.Any(s => !s.Ready) && sw.Elapsed < deadline)
            {
                await Task.Delay(20);
            }
        }
        return (sw.Elapsed.TotalSeconds, _subs.Count(s => s.Ready));
    }

    private async Task CloseAllAsync()
    {
        foreach (var s in _subs) s.Close(abort: false);
        _subs.Clear();
        await Task.Delay(500);
    }

    private Dictionary<string, object?> ConnectStats()
    {
        var h = _recorder.ConnectTime;
        return new()
        {
            ["count"] = h.Count,
            ["p50Ms"] = Ms(h.Percentile(0.5)),
            ["p99Ms"] = Ms(h.Percentile(0.99)),
            ["maxMs"] = Ms(h.Max),
        };
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 2);

    private Dictionary<string, object?> Header(string scenario) => new()
    {
        ["system"] = sut.Name,
        ["description"] = sut.Description,
        ["scenario"] = scenario,
        ["nodes"] = sut.Nodes,
        ["loadAverageAtStart"] = ProcStats.LoadAverage(),
    };

    private async Task<Dictionary<string, object?>> MemoryAsync()
    {
        var heap = await sut.ManagedHeapAsync(http);
        return new()
        {
            ["serverMemoryBytes"] = sut.MemoryBytes(),
            ["serverMemoryKind"] = sut.MultiProcess ? "PSS, master + workers" : "RSS",
            ["managedHeapBytes"] = heap,
            ["redisRssBytes"] = sut.UsesRedis() ? sut.RedisRssBytes() : null,
            ["serverRssBytesByKind"] = ProcStats.RssKinds(sut.ServerPids()),
        };
    }

    // ---- idle --------------------------------------------------------------------------------------------------

    private async Task<Dictionary<string, object?>> IdleAsync()
    {
        var result = Header("idle");
        await CloseAllAsync();
        if (options.IdleWarmup > 0)
        {
            // Long enough after the closes for tier-1 compiles of the connect path to finish (they wait for calls to stop).
            await EnsureAsync(options.IdleWarmup, Route.Broadcast);
            await CloseAllAsync();
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(5, options.IdleSettleSeconds)));
        }

        await Task.Delay(TimeSpan.FromSeconds(options.IdleSettleSeconds));
        var baseMemory = sut.MemoryBytes();
        var baseHeap = await sut.ManagedHeapAsync(http);
        result["baseMemoryBytes"] = baseMemory;
        result["baseManagedHeapBytes"] = baseHeap;
        result["baseRssBytesByKind"] = ProcStats.RssKinds(sut.ServerPids());
        var points = new List<Dictionary<string, object?>>();
        var (previousMemory, previousReady) = (baseMemory, 0);
        foreach (var n in options.IdleSizes)
        {
            _recorder.ConnectTime = new Histogram();
            var failuresBefore = Interlocked.Read(ref _recorder.ConnectFailures);
            var (seconds, ready) = await EnsureAsync(n, Route.Broadcast);
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSettleSeconds));
            var memory = await MemoryAsync();
            var mem = (long)memory["serverMemoryBytes"]!;
            var heap = (long?)memory["managedHeapBytes"];
            var point = new Dictionary<string, object?>
            {
                ["connections"] = n,
                ["ready"] = ready,
                ["connectSeconds"] = Math.Round(seconds, 2),
                ["connectFailures"] = Interlocked.Read(ref _recorder.ConnectFailures) - failuresBefore,
                ["connect"] = ConnectStats(),
                ["memoryPerConnectionBytes"] = ready == 0 ? null : (mem - baseMemory) / ready,
                ["managedHeapPerConnectionBytes"] = ready == 0 || heap is null || baseHeap is null ? null : (heap - baseHeap) / ready,

                // The growth from the previous size: one-time costs (code compiled and pages touched by the first
                // connections, pools) cancel out, leaving what one more connection costs.
                ["marginalMemoryPerConnectionBytes"] = points.Count == 0 || ready <= previousReady ? null : (mem - previousMemory) / (ready - previousReady),
            };
            (previousMemory, previousReady) = (mem, ready);
            foreach (var (k, v) in memory) point[k] = v;
            points.Add(point);
            Log($"{sut.Name}: idle {ready}/{n} connected in {seconds:F1} s, {point["memoryPerConnectionBytes"]} B/connection");
        }
        result["points"] = points;

        var hold = firstBeacon ? options.IdleHoldSeconds : options.IdleHoldOthersSeconds;
        var dropsBefore = Interlocked.Read(ref _recorder.Drops);
        var pingsBefore = Interlocked.Read(ref _recorder.Pings);
        var cpu = new CpuMeter(sut.AllPids);
        await Task.Delay(TimeSpan.FromSeconds(hold));
        var (serverCpu, generatorCpu, machineCpu) = cpu.Cores();
        result["held"] = _subs.Count;
        result["holdSeconds"] = hold;
        result["readyAfterHold"] = _subs.Count(s => s.Ready);
        result["dropsDuringHold"] = Interlocked.Read(ref _recorder.Drops) - dropsBefore;
        result["pingsReceived"] = Interlocked.Read(ref _recorder.Pings) - pingsBefore;
        result["cpuCores"] = new Dictionary<string, object?> { ["server"] = serverCpu, ["generator"] = generatorCpu, ["machine"] = machineCpu };
        foreach (var (k, v) in await MemoryAsync()) result[k] = v;
        result["loadAverageAtEnd"] = ProcStats.LoadAverage();
        Log($"{sut.Name}: idle held {_subs.Count} for {hold} s: {result["dropsDuringHold"]} dropped, {result["pingsReceived"]} pings");
        return result;
    }

    // ---- publishing phases -------------------------------------------------------------------------------------

    private sealed record PhaseOutcome(Phase Phase, Publisher.Stats Publish, Dictionary<string, object?> Result);

    /// <summary>Publishes for a phase, waits for deliveries to stop, then counts lost and duplicated events.</summary>
    private async Task<PhaseOutcome> MeasureAsync(string name, double rate, double seconds, Func<long, int> target, int pad, Func<Task>? during = null)
    {
        var maxEvents = (int)(rate * seconds * 1.05) + 100;
        var phase = new Phase(name, _log.Next, maxEvents);
        var dropsBefore = Interlocked.Read(ref _recorder.Drops);
        var countersBefore = await sut.ServerCountersAsync(http);
        var serverGcBefore = await sut.GcPauseSecondsAsync(http);
        var generatorGcBefore = GC.GetTotalPauseDuration();
        _recorder.Begin(phase);
        Log($"{sut.Name}: {name}: publishing {rate}/s for {seconds} s to {_subs.Count} subscribers");
        var cpu = new CpuMeter(sut.AllPids);
        var publisher = new Publisher(sut, http, _log, options);
        var publishing = publisher.RunAsync(rate, seconds, target, pad, _cts.Token);
        if (during is not null) await during();
        var stats = await publishing;
        var (serverCpu, generatorCpu, machineCpu) = cpu.Cores();
        // Pauses during publishing, on both sides: a stop of either shows as a burst of late deliveries.
        var generatorGcMs = Math.Round((GC.GetTotalPauseDuration() - generatorGcBefore).TotalMilliseconds, 1);
        var serverGcMs = await sut.GcPauseSecondsAsync(http) is { } serverGcAfter && serverGcBefore is { } before ? Math.Round((serverGcAfter - before) * 1000, 1) : (double?)null;
        phase.SeqEnd = _log.Next;

        // Drain: until the delivered count has not moved for 1 s (bounded).
        var drain = Stopwatch.StartNew();
        long last = -1;
        var stable = Stopwatch.StartNew();
        while (drain.Elapsed.TotalSeconds < options.DrainSeconds)
        {
            var now = Interlocked.Read(ref phase.Delivered) + Interlocked.Read(ref phase.ExcludedDelivered);
            if (now != last) { last = now; stable.Restart(); }
            else if (stable.Elapsed.TotalSeconds >= 1) break;
            await Task.Delay(100);
        }
        _recorder.End();

        // Expected deliveries: every accepted event, to every subscriber it was addressed to (excluded ones apart).
        var byUser = _subs.ToLookup(s => s.UserIndex);
        long expected = 0, lost = 0, excludedExpected = 0, excludedLost = 0;
        for (var seq = phase.SeqStart; seq < phase.SeqEnd; seq++)
        {
            if (!_log.Accepted(seq)) continue;
            var t = _log.Target(seq);
            IEnumerable<Subscriber> audience = t == PublishLog.All ? _subs : byUser[t];
            foreach (var s in audience)
            {
                var got = s.Received(phase, seq);
                if (s.Excluded) { excludedExpected++; if (!got) excludedLost++; }
                else { expected++; if (!got) lost++; }
            }
        }

        var lat = phase.Latency;
        var result = Header(name);
        result["connections"] = _subs.Count;
        result["ratePerSecond"] = rate;
        result["seconds"] = Math.Round(stats.Seconds, 2);
        result["published"] = stats.Sent;
        result["publishFailed"] = stats.Failed;
        result["publishFirstError"] = stats.FirstError;
        result["publishRoundTripMs"] = new Dictionary<string, object?> { ["p50"] = Ms(stats.RoundTrip.Percentile(0.5)), ["p99"] = Ms(stats.RoundTrip.Percentile(0.99)), ["max"] = Ms(stats.RoundTrip.Max) };
        result["expectedDeliveries"] = expected;
        result["delivered"] = phase.Delivered;
        // Throughput over the time from the first publish to the last delivery (not the publisher's own duration,
        // which includes waiting for slow publish responses).
        var deliverySeconds = phase.LastReceive > phase.Started ? (phase.LastReceive - phase.Started) / (double)Stopwatch.Frequency : stats.Seconds;
        result["deliverySeconds"] = Math.Round(deliverySeconds, 2);
        result["deliveredPerSecond"] = Math.Round(phase.Delivered / Math.Max(0.001, deliverySeconds), 0);
        result["expectedPerSecond"] = Math.Round(rate * seconds * (expected / Math.Max(1.0, stats.Accepted)) / seconds, 0);
        result["lost"] = lost;
        result["duplicated"] = phase.Duplicates;
        result["idNonIncreasing"] = phase.IdNonIncreasing;
        result["misrouted"] = phase.Misrouted;
        result["outOfPhase"] = phase.OutOfPhase;
        result["latencyMs"] = new Dictionary<string, object?>
        {
            ["p50"] = Ms(lat.Percentile(0.50)),
            ["p90"] = Ms(lat.Percentile(0.90)),
            ["p99"] = Ms(lat.Percentile(0.99)),
            ["p999"] = Ms(lat.Percentile(0.999)),
            ["max"] = Ms(lat.Max),
            ["mean"] = Math.Round(lat.Mean / 1000, 2),
        };
        result["firstDeliveryMs"] = FirstDeliveries(phase);
        var slowest = SlowestEvents(phase);
        result["slowestEvents"] = slowest;
        result["gcPauseMs"] = new Dictionary<string, object?> { ["server"] = serverGcMs, ["generator"] = generatorGcMs };
        if (excludedExpected > 0)
        {
            result["slowClients"] = _subs.Count(s => s.Excluded);
            result["slowExpected"] = excludedExpected;
            result["slowLost"] = excludedLost;
            result["slowDelivered"] = phase.ExcludedDelivered;
        }
        result["drops"] = Interlocked.Read(ref _recorder.Drops) - dropsBefore;
        result["readyAtEnd"] = _subs.Count(s => s.Ready);
        result["cpuCores"] = new Dictionary<string, object?> { ["server"] = serverCpu, ["generator"] = generatorCpu, ["machine"] = machineCpu, ["of"] = Environment.ProcessorCount };
        foreach (var (k, v) in await MemoryAsync()) result[k] = v;
        result["baseMemoryBytes"] = sut.StartMemoryBytes;
        result["memoryPerConnectionBytes"] = _subs.Count > 0 ? ((long)result["serverMemoryBytes"]! - sut.StartMemoryBytes) / _subs.Count : null;
        var countersAfter = await sut.ServerCountersAsync(http);
        if (countersAfter is not null && countersBefore is not null)
        {
            result["serverSlowConsumerDisconnects"] = countersAfter.GetValueOrDefault("slowConsumerDisconnects") - countersBefore.GetValueOrDefault("slowConsumerDisconnects");
        }
        result["loadAverageAtEnd"] = ProcStats.LoadAverage();
        Log($"{sut.Name}: {name}: {_subs.Count} conns, {rate}/s, delivered {phase.Delivered}/{expected} ({result["deliveredPerSecond"]}/s), " +
            $"p50 {Ms(lat.Percentile(0.5))} ms p99 {Ms(lat.Percentile(0.99))} ms max {Ms(lat.Max)} ms, lost {lost}, dup {phase.Duplicates}, " +
            $"first delivery p50 {(result["firstDeliveryMs"] as Dictionary<string, object?>)?["p50"] ?? "n/a"} ms, publish failed {stats.Failed}, cpu server {serverCpu} gen {generatorCpu} machine {machineCpu}, " +
            $"GC pauses server {serverGcMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"} ms gen {generatorGcMs.ToString(System.Globalization.CultureInfo.InvariantCulture)} ms");
        if (slowest.Count > 0)
        {
            Log($"{sut.Name}: {name}: deliveries over 50 ms, by event: " + string.Join(", ", slowest.Select(e => $"+{e["publishedAtSeconds"]} s: {e["deliveriesOver50Ms"]} (max {e["slowestMs"]} ms)")));
        }
        return new PhaseOutcome(phase, stats, result);
    }

    /// <summary>
    /// Percentiles over events of each event's first delivery: what a delivery costs before the fan-out spreads it,
    /// so a system's p50 can be split into that fixed part and the time its fan-out takes to reach half the audience.
    /// </summary>
    private static Dictionary<string, object?>? FirstDeliveries(Phase phase)
    {
        var firsts = phase.FirstTicks.Where(t => t > 0).Order().ToArray();
        if (firsts.Length == 0) return null;
        double At(double q) => Math.Round(firsts[Math.Min(firsts.Length - 1, (int)(q * firsts.Length))] * 1000.0 / Stopwatch.Frequency, 2);
        return new Dictionary<string, object?> { ["p10"] = At(0.1), ["p50"] = At(0.5), ["p90"] = At(0.9), ["events"] = firsts.Length };
    }

    /// <summary>
    /// The five events with the most deliveries over 50 ms, with when they were published (seconds into the phase):
    /// a p99 made by one stall (a GC pause, a blocked thread) shows as one or two events holding most of them.
    /// </summary>
    private static List<Dictionary<string, object?>> SlowestEvents(Phase phase) =>
        Enumerable.Range(0, phase.MaxEvents)
            .Where(i => phase.SlowDeliveries[i] > 0)
            .OrderByDescending(i => phase.SlowDeliveries[i])
            .Take(5)
            .Select(i => new Dictionary<string, object?>
            {
                ["publishedAtSeconds"] = Math.Round((phase.PublishedTicks[i] - phase.Started) / (double)Stopwatch.Frequency, 2),
                ["deliveriesOver50Ms"] = phase.SlowDeliveries[i],
                ["slowestMs"] = Math.Round(phase.SlowestTicks[i] * 1000.0 / Stopwatch.Frequency, 1),
            })
            .ToList();

    private async Task<Dictionary<string, object?>> EnsureForPhaseAsync(Route route)
    {
        _recorder.ConnectTime = new Histogram();
        var (seconds, ready) = await EnsureAsync(options.Connections, route);
        if (ready < options.Connections) Log($"{sut.Name}: only {ready}/{options.Connections} connected");
        var c = ConnectStats();
        c["seconds"] = Math.Round(seconds, 2);
        c["ready"] = ready;
        return c;
    }

    private bool _warmedUp;

    /// <summary>
    /// Publishes for a few seconds without recording, once per system, so that the first measured phase does not
    /// include JIT tiering and pool growth (every .NET system gets the same warm-up; nchan has nothing to warm).
    /// </summary>
    private async Task WarmUpAsync(double rate)
    {
        if (_warmedUp || options.WarmupSeconds <= 0 || !sut.NeedsWarmUp) return;
        _warmedUp = true;
        var publisher = new Publisher(sut, http, _log, options);
        await publisher.RunAsync(rate, options.WarmupSeconds, _ => PublishLog.All, options.PadBytes, _cts.Token);
        await Task.Delay(1000);
    }

    private async Task<Dictionary<string, object?>> BroadcastAsync(double rate)
    {
        var connect = await EnsureForPhaseAsync(Route.Broadcast);
        await WarmUpAsync(rate);
        var outcome = await MeasureAsync($"broadcast{rate:0}", rate, options.BroadcastSeconds, _ => PublishLog.All, options.PadBytes);
        outcome.Result["connect"] = connect;
        return outcome.Result;
    }

    private async Task<Dictionary<string, object?>> TargetedAsync()
    {
        var connect = await EnsureForPhaseAsync(Route.Targeted);
        await WarmUpAsync(options.BroadcastRates[0]);
        var users = _subs.Count;
        // A permutation stride spreads consecutive events over users; every user gets the same share.
        var stride = 7919 % users == 0 ? 1 : 7919;
        var outcome = await MeasureAsync("targeted", options.TargetedRate, options.TargetedSeconds, i => (int)(i * stride % users), options.PadBytes);
        outcome.Result["connect"] = connect;
        outcome.Result["users"] = users;
        return outcome.Result;
    }

    private async Task<Dictionary<string, object?>> StormAsync()
    {
        var connect = await EnsureForPhaseAsync(Route.Broadcast);
        double? recovery = null;
        int readyAfter = 0;
        var outcome = await MeasureAsync("storm", options.StormRate, options.StormSeconds, _ => PublishLog.All, options.PadBytes, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(options.StormDropAfterSeconds));
            _recorder.ConnectTime = new Histogram();
            var dropAt = Stopwatch.StartNew();
            foreach (var s in _subs)
            {
                if (s is RawSseSubscriber raw) raw.Drop();
            }
            await Task.Delay(50);
            var limit = options.StormSeconds - options.StormDropAfterSeconds + 5;
            while (dropAt.Elapsed.TotalSeconds < limit)
            {
                readyAfter = _subs.Count(s => s.Ready);
                if (readyAfter == _subs.Count)
                {
                    recovery = dropAt.Elapsed.TotalSeconds;
                    break;
                }
                await Task.Delay(25);
            }
            Log($"{sut.Name}: storm: {readyAfter}/{_subs.Count} resumed" + (recovery is null ? " (not all)" : $" in {recovery:F2} s"));
        });
        outcome.Result["connect"] = connect;
        outcome.Result["reconnect"] = ConnectStats();
        outcome.Result["recoverySeconds"] = recovery is null ? null : Math.Round(recovery.Value, 2);
        outcome.Result["resumed"] = readyAfter;
        outcome.Result["supportsResume"] = sut.SupportsResume;
        return outcome.Result;
    }

    private async Task<Dictionary<string, object?>> SlowAsync()
    {
        var connect = await EnsureForPhaseAsync(Route.Broadcast);
        var reference = await MeasureAsync("slow-reference", options.SlowRate, options.SlowSeconds, _ => PublishLog.All, options.SlowPadBytes);
        var every = Math.Max(1, (int)Math.Round(1 / options.SlowFraction));
        var slow = _subs.Where((_, i) => i % every == every - 1).ToList();
        foreach (var s in slow)
        {
            s.Excluded = true;
            s.Pause();
        }
        var withSlow = await MeasureAsync("slow", options.SlowRate, options.SlowSeconds, _ => PublishLog.All, options.SlowPadBytes);
        foreach (var s in slow) s.Resume();
        await Task.Delay(500);
        foreach (var s in slow) s.Excluded = false;

        var result = withSlow.Result;
        result["connect"] = connect;
        result["payloadPadBytes"] = options.SlowPadBytes;
        result["reference"] = reference.Result;
        result["p99WithoutSlowMs"] = Ms(reference.Phase.Latency.Percentile(0.99));
        result["p99WithSlowMs"] = Ms(withSlow.Phase.Latency.Percentile(0.99));
        return result;
    }
}

internal static class SystemExtensions
{
    public static bool UsesRedis(this SystemUnderTest sut) => sut.Name.Contains("redis", StringComparison.Ordinal);
}
