namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// What one SSE client has received so far, filled by its reader loop. Tests wait on conditions with a
/// deadline (<see cref="WaitForAsync"/>) instead of sleeping.
/// </summary>
public sealed class EventCollector
{
    /// <summary>How long a wait lasts unless told otherwise; generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the stream has ended (cleanly or not).</summary>
    public bool HasEnded { get; private set; }

    /// <summary>Why the stream ended, when it ended with an error rather than a clean end of stream.</summary>
    public Exception? EndError { get; private set; }

    /// <summary>A copy of everything received, in order.</summary>
    public IReadOnlyList<ReceivedEvent> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Received events of one type, in order.</summary>
    public IReadOnlyList<ReceivedEvent> OfType(string type) => All.Where(e => e.Type == type).ToArray();

    /// <summary>
    /// Received events that carry an id: published events and resets. Not ping, and not <c>connected</c>, whose
    /// id on a new stream is only its resume point (the newest event when it opened, usually someone else's).
    /// </summary>
    public IReadOnlyList<ReceivedEvent> WithIds => All.Where(e => e.Id is not null && e.Type != "connected").ToArray();

    internal void Add(ReceivedEvent received)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add(received);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    internal void End(Exception? error)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            HasEnded = true;
            EndError = error;
            changed = _changed;
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for the events received so far (evaluated under the
    /// collector's lock, on the live list: keep it cheap and side-effect free). Fails with a dump of what was
    /// received when the deadline passes or the stream ends first.
    /// </summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedEvent>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_events))
                {
                    return;
                }

                if (HasEnded)
                {
                    throw new InvalidOperationException($"The stream ended ({EndError?.GetType().Name ?? "end of stream"}) before: {what}.{Dump()}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                lock (_gate)
                {
                    if (condition(_events))
                    {
                        return;
                    }

                    throw new TimeoutException($"Not within {limit.TotalSeconds:0.#} s: {what}.{Dump()}");
                }
            }
        }
    }

    /// <summary>Waits for the first event of <paramref name="type"/> matching <paramref name="match"/> and returns it.</summary>
    public async Task<ReceivedEvent> WaitForEventAsync(string type, Func<ReceivedEvent, bool>? match = null, TimeSpan? timeout = null)
    {
        ReceivedEvent? found = null;
        await WaitForAsync(
            events =>
            {
                found = events.FirstOrDefault(e => e.Type == type && (match is null || match(e)));
                return found is not null;
            },
            $"an event '{type}'" + (match is null ? string.Empty : " matching the test's condition"),
            timeout).ConfigureAwait(false);
        return found!;
    }

    /// <summary>Waits for the event with this id.</summary>
    public async Task<ReceivedEvent> WaitForIdAsync(string id, TimeSpan? timeout = null)
    {
        await WaitForAsync(events => events.Any(e => e.Id == id), $"the event with id '{id}'", timeout).ConfigureAwait(false);
        return All.First(e => e.Id == id);
    }

    /// <summary>Waits until the stream ends (the server closed it or the connection dropped).</summary>
    public async Task WaitForEndAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (HasEnded)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The stream did not end within {limit.TotalSeconds:0.#} s.{Dump()}");
            }
        }
    }

    private string Dump()
    {
        var shown = _events.Count <= 30 ? _events : _events.Take(10).Concat(_events.TakeLast(20));
        return $" Received {_events.Count} event(s):" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", shown);
    }
}
