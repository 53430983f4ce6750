using Beacon.Application.Common.Behaviours;
using Beacon.Application.Common.Exceptions;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Beacon.UnitTests.Operations;

/// <summary>
/// What escapes a handler is logged as an error (which Sentry reports) only when it may be a bug: not a caller's
/// mistake, and not a dependency that is down, which the caller answers 503 and reports once per outage.
/// </summary>
public sealed class UnhandledExceptionBehaviourTests
{
    public static TheoryData<Exception> ExpectedOutcomes() => new()
    {
        new ValidationException("type", "is required"),
        new NotFoundException("Job", "42"),
        new ForbiddenAccessException(),
        new ConflictException("the job already ended"),
        new ServiceUnavailableException("Redis is down", TimeSpan.FromSeconds(5)),
        new InvalidOperationException("a transient failure", new DatabaseOutageTests.ProviderError("08006", transient: false)),
        new OperationCanceledException(),
    };

    [Theory]
    [MemberData(nameof(ExpectedOutcomes))]
    public async Task Expected_outcomes_are_rethrown_without_an_error_line(Exception outcome)
    {
        var logger = new LevelsLogger();

        (await ThrownByAsync(logger, outcome)).ShouldBeSameAs(outcome);
        logger.Levels.ShouldNotContain(LogLevel.Error);
    }

    [Fact]
    public async Task Anything_else_is_logged_as_an_error_with_its_exception_and_rethrown()
    {
        var logger = new LevelsLogger();
        var bug = new InvalidOperationException("a bug", new DatabaseOutageTests.ProviderError("42P01", transient: false));

        (await ThrownByAsync(logger, bug)).ShouldBeSameAs(bug);

        logger.Levels.ShouldBe([LogLevel.Error]);
        logger.Exceptions.ShouldBe([bug]);
    }

    // Not Should.ThrowAsync: it reports a task cancelled by an OperationCanceledException as a cancellation of its own.
    private static async Task<Exception?> ThrownByAsync(LevelsLogger logger, Exception outcome)
    {
        try
        {
            await new UnhandledExceptionBehaviour<Probe, int>(logger).Handle(new Probe(), (_, _) => throw outcome, CancellationToken.None);
            return null;
        }
        catch (Exception thrown)
        {
            return thrown;
        }
    }

    public sealed record Probe : IMessage;

    private sealed class LevelsLogger : ILogger<UnhandledExceptionBehaviour<Probe, int>>
    {
        public List<LogLevel> Levels { get; } = [];

        public List<Exception?> Exceptions { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Levels.Add(logLevel);
            Exceptions.Add(exception);
        }
    }
}
