namespace Beacon.Infrastructure.SystemStatus;

/// <summary>
/// How long a readiness check may wait on its dependency. A load balancer probes every few seconds and needs its
/// answer at once: a dependency that takes longer than this to answer a trivial request is not ready, and a check
/// must not wait out its client's own timeout (StackExchange.Redis: 5 s) on every probe of an outage.
/// </summary>
internal static class ProbeTimeout
{
    /// <summary>The longest a check waits for its dependency's answer.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <paramref name="work"/>'s result, or a <see cref="TimeoutException"/> once <see cref="Limit"/> has passed. Work
    /// that is given up on keeps running until its own timeout; its failure is observed here, so it does not surface
    /// later as an unobserved task exception (which Sentry reports).
    /// </summary>
    public static async Task<T> WithinLimitAsync<T>(Task<T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work.WaitAsync(Limit, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !work.IsCompleted)
        {
            _ = work.ContinueWith(static abandoned => _ = abandoned.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
