using Beacon.Infrastructure.Analytics;
using Beacon.Infrastructure.Jobs;
using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Beacon.UnitTests.Jobs;

public sealed class RecurringJobRegistrationTests
{
    [Fact]
    public async Task Registers_both_jobs_at_start()
    {
        var manager = Substitute.For<IRecurringJobManager>();
        using var registration = Create(manager);

        await registration.StartAsync(CancellationToken.None);

        manager.Received(1).AddOrUpdate(StaleEntryCleanupJob.RecurringJobId, Arg.Any<Job>(), Arg.Any<string>(), Arg.Any<RecurringJobOptions>());
        manager.Received(1).AddOrUpdate(PageViewRetentionJob.RecurringJobId, Arg.Any<Job>(), Arg.Any<string>(), Arg.Any<RecurringJobOptions>());
    }

    // WebApplicationFactory stops the host while the app's own RunAsync stops and disposes it: the second StopAsync
    // can reach this service after its Dispose. It once threw ObjectDisposedException out of a test's teardown.
    [Fact]
    public async Task Stopping_again_after_dispose_does_not_throw()
    {
        var registration = Create(Substitute.For<IRecurringJobManager>());
        await registration.StartAsync(CancellationToken.None);

        await registration.StopAsync(CancellationToken.None);
        registration.Dispose();

        await Should.NotThrowAsync(() => registration.StopAsync(CancellationToken.None));
        Should.NotThrow(registration.Dispose);
    }

    [Fact]
    public async Task A_dispose_without_stop_ends_the_retry_loop()
    {
        var manager = Substitute.For<IRecurringJobManager>();
        manager.When(m => m.AddOrUpdate(Arg.Any<string>(), Arg.Any<Job>(), Arg.Any<string>(), Arg.Any<RecurringJobOptions>()))
            .Do(_ => throw new InvalidOperationException("storage unreachable"));
        var registration = Create(manager);
        await registration.StartAsync(CancellationToken.None);

        registration.Dispose();

        // Already cancelled, so the wait returns at once instead of after the 5 s retry delay.
        await registration.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(4));
        manager.Received(1).AddOrUpdate(Arg.Any<string>(), Arg.Any<Job>(), Arg.Any<string>(), Arg.Any<RecurringJobOptions>());
    }

    [Theory]
    [InlineData(nameof(JobsOptions.StaleCleanupCron))]
    [InlineData(nameof(JobsOptions.PageViewRetentionCron))]
    public async Task An_invalid_cron_expression_stops_the_start_with_an_error_naming_its_setting(string setting)
    {
        var options = new JobsOptions();
        if (setting == nameof(JobsOptions.StaleCleanupCron))
        {
            options.StaleCleanupCron = "every minute";
        }
        else
        {
            options.PageViewRetentionCron = "every minute";
        }

        // Hangfire's own manager and storage, so the expression is checked by the parser the node uses.
        using var registration = new RecurringJobRegistration(
            new RecurringJobManager(new Hangfire.InMemory.InMemoryStorage()),
            Options.Create(options),
            NullLogger<RecurringJobRegistration>.Instance);

        var error = await Should.ThrowAsync<OptionsValidationException>(() => registration.StartAsync(CancellationToken.None));

        error.Message.ShouldContain($"Jobs:{setting} is not a valid cron expression ('every minute')");
    }

    private static RecurringJobRegistration Create(IRecurringJobManager manager) =>
        new(manager, Options.Create(new JobsOptions()), NullLogger<RecurringJobRegistration>.Instance);
}
