using Beacon.Application.Common.Interfaces;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// Reports a background job to the error tracker (<see cref="IErrorReporter"/>: Sentry when configured) when it
/// ends in Hangfire's Failed state, i.e. after its automatic retries are used up. Retried attempts are not
/// reported: they move to Scheduled, not Failed.
/// </summary>
internal sealed class FailedJobReporter(IErrorReporter errors) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState failed)
        {
            return;
        }

        var job = context.BackgroundJob.Job;
        var name = job is null ? "(unknown job)" : $"{job.Type.Name}.{job.Method.Name}";
        errors.Report(
            failed.Exception,
            $"Background job {name} failed",
            new Dictionary<string, string>
            {
                ["component"] = "jobs",
                ["job.id"] = context.BackgroundJob.Id,
                ["job.name"] = name,
                ["job.queue"] = job?.Queue ?? "default",
            });
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    /// <summary>
    /// Registers the filter for this host's Hangfire server only: the server takes its filters from the container's
    /// <see cref="IJobFilterProvider"/>, which here is Hangfire's global providers (attributes, GlobalJobFilters
    /// such as AutomaticRetry) plus this filter — not added to the process-wide GlobalJobFilters, which several
    /// hosts in one process (tests) would share. Call before AddHangfire (which only adds a provider if none is).
    /// </summary>
    public static IServiceCollection AddFailedJobReporting(IServiceCollection services)
    {
        services.AddSingleton<FailedJobReporter>();
        services.AddSingleton<IJobFilterProvider>(sp => new JobFilterProviderCollection(
            JobFilterProviders.Providers,
            new SingleFilter(sp.GetRequiredService<FailedJobReporter>())));
        return services;
    }

    private sealed class SingleFilter(object filter) : IJobFilterProvider
    {
        private readonly JobFilter[] _filters = [new(filter, JobFilterScope.Global, order: null)];

        public IEnumerable<JobFilter> GetFilters(Job job) => _filters;
    }
}
