using Beacon.Infrastructure.Analytics;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// Registers Beacon's recurring jobs through <see cref="IRecurringJobManager"/> while the host starts. Every
/// node does this; the storage keeps one definition per id and Hangfire runs each occurrence once across
/// nodes. An invalid cron expression stops the node at startup. When the storage is unreachable (Redis down),
/// the node starts anyway and retries in the background.
/// </summary>
internal sealed partial class RecurringJobRegistration(
    IRecurringJobManager manager,
    IOptions<JobsOptions> options,
    ILogger<RecurringJobRegistration> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!TryRegister())
        {
            _retrying = RetryAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <remarks>
    /// Cancels and never disposes the source: under <c>WebApplicationFactory</c> the host is stopped twice at once
    /// (by the factory and by the app's own <c>RunAsync</c>, which then disposes it), so <see cref="StopAsync"/> can
    /// run after this. The source has no timer and no linked token, so disposing it would release nothing.
    /// </remarks>
    public void Dispose() => _stopping.Cancel();

    private async Task RetryAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await Task.Delay(RetryDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (!TryRegister());
    }

    /// <summary>false when the storage failed; an invalid cron expression (<see cref="OptionsValidationException"/>) is thrown.</summary>
    private bool TryRegister()
    {
        try
        {
            Register();
            return true;
        }
        catch (Exception ex) when (ex is not OptionsValidationException)
        {
            LogRetry(logger, ex, RetryDelay.TotalSeconds);
            return false;
        }
    }

    private void Register()
    {
        AddOrRemove<StaleEntryCleanupJob>(StaleEntryCleanupJob.RecurringJobId, nameof(JobsOptions.StaleCleanupCron), options.Value.StaleCleanupCron, job => job.RunAsync(CancellationToken.None));
        AddOrRemove<PageViewRetentionJob>(PageViewRetentionJob.RecurringJobId, nameof(JobsOptions.PageViewRetentionCron), options.Value.PageViewRetentionCron, job => job.RunAsync(CancellationToken.None));
    }

    /// <summary>Registers <paramref name="id"/> on <paramref name="cron"/>, or removes it when no schedule is set.</summary>
    private void AddOrRemove<TJob>(string id, string setting, string? cron, System.Linq.Expressions.Expression<Func<TJob, Task>> run)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            manager.RemoveIfExists(id);
            return;
        }

        try
        {
            manager.AddOrUpdate(id, run, cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
        catch (ArgumentException ex)
        {
            // Hangfire's message names its own parameter ("cronExpression"), not the setting an operator has to fix.
            throw new OptionsValidationException(
                JobsOptions.SectionName,
                typeof(JobsOptions),
                [$"{JobsOptions.SectionName}:{setting} is not a valid cron expression ('{cron}'): {ex.InnerException?.Message ?? ex.Message}"]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register the recurring jobs; retrying in {DelaySeconds} s")]
    private static partial void LogRetry(ILogger logger, Exception exception, double delaySeconds);
}
