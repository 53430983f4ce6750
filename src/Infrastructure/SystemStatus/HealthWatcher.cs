using Beacon.Application.Common.Interfaces;
using Beacon.Application.SystemStatus;
using Beacon.Application.SystemStatus.EventHandlers;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.SystemStatus;

/// <summary>
/// Runs the health checks every <see cref="SystemStatusOptions.PollIntervalSeconds"/> and raises
/// <see cref="ComponentHealthChanged"/> when a component's state differs from the last one announced. The
/// first run only records the baseline. A change whose announcement fails (e.g. the bus is the thing that
/// is down) is retried on the next run, so clients hear about it once it can reach them. Each node watches
/// its own view: with several nodes, each announces what it sees.
/// </summary>
internal sealed partial class HealthWatcher(
    IServiceScopeFactory scopes,
    IOptions<SystemStatusOptions> options,
    TimeProvider clock,
    ILogger<HealthWatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, HealthState> _announced = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollIntervalSeconds), clock);
        var baseline = true;
        do
        {
            try
            {
                await CheckAsync(baseline, stoppingToken);
                baseline = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCheckFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task CheckAsync(bool baseline, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<ISystemHealth>().CheckAsync(cancellationToken);
        var publisher = scope.ServiceProvider.GetRequiredService<IPublisher>();
        foreach (var component in report.Components)
        {
            if (baseline || !_announced.TryGetValue(component.Name, out var previous))
            {
                _announced[component.Name] = component.State;
                continue;
            }

            if (previous == component.State)
            {
                continue;
            }

            LogChanged(logger, component.Name, previous, component.State);
            try
            {
                await publisher.Publish(new ComponentHealthChanged(component.Name, previous, component.State, report.CheckedAt), cancellationToken);
                _announced[component.Name] = component.State;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAnnounceFailed(logger, ex, component.Name);
            }
        }
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Component {Component} changed from {Previous} to {Current}")]
    private static partial void LogChanged(ILogger logger, string component, HealthState previous, HealthState current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce the health change of {Component}; retrying on the next check")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string component);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health watcher run failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
