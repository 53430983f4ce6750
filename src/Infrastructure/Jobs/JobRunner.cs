using System.ComponentModel;
using Beacon.Application.Common.Exceptions;
using Beacon.Application.Jobs.Commands.RunJob;
using Beacon.Domain.Jobs;
using Hangfire;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// The Hangfire entry point of user jobs: sends <see cref="RunJobCommand"/> in a fresh scope. No automatic
/// retries: a failed item is a result (the job ends as failed and its owner is told), not a transient error.
/// A run that lost a race on the job's status (its owner cancelled it as it started) runs again in a new scope,
/// where it finds the job's real state.
/// </summary>
public sealed class JobRunner(IServiceScopeFactory scopes)
{
    private const int ConflictAttempts = 3;

    /// <summary>Runs job <paramref name="jobId"/>; <paramref name="type"/> only labels the dashboard entry.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Beacon {0} job {1}")]
    public async Task<JobStatus?> RunAsync(string type, Guid jobId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RunJobCommand(jobId), cancellationToken);
            }
            catch (ConflictException) when (attempt < ConflictAttempts)
            {
            }
        }
    }
}
