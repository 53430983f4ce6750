using Beacon.Infrastructure.SystemStatus;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Ready while the database accepts a connection. A database that refuses connections is an answer at once; one that
/// accepts them but does not answer (a hung host, a stalled disk) would hold every probe for the driver's connect
/// timeout (Npgsql: 15 s), so the check waits at most <see cref="ProbeTimeout.Limit"/> and then gives the attempt up.
/// A singleton, so a streak of failed probes logs one stack trace (<see cref="UnhealthyStreak"/>); each run takes a
/// database context of its own from a new scope.
/// </summary>
internal sealed class DatabaseHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    private const string Unreachable = "The database does not accept connections.";

    private readonly UnhealthyStreak _streak = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // CanConnectAsync answers false, not an exception, when the connection is refused: that failure has no stack.
            return await ProbeTimeout.WithinLimitAsync(CanConnectAsync(giveUp.Token), cancellationToken)
                ? _streak.Pass()
                : _streak.Fail(Unreachable);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return _streak.Fail(Unreachable, ex);
        }
        finally
        {
            // An attempt given up on stops now, instead of holding a connection slot until the driver's own timeout.
            await giveUp.CancelAsync();
        }
    }

    /// <summary>The scope lives as long as the attempt, which may outlive a probe that gave up on it.</summary>
    private async Task<bool> CanConnectAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BeaconDbContext>().Database.CanConnectAsync(cancellationToken);
    }
}
