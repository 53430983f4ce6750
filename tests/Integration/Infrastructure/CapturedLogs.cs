using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// What a host logs from <paramref name="minimum"/> up, kept for its tests to search: one line per entry, <c>category: message
/// [Field=value ...] exception</c>, so a value that only travels in a structured field (a token, a visitor id) is
/// searched too. Added to a host's logging in its <c>ConfigureWebHost</c>.
/// </summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Trace) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly LogLevel _minimum = minimum;

    /// <summary>Every line so far, oldest first.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public void Clear() => _lines.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= logs._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            logs._lines.Enqueue($"{category}: {formatter(state, exception)} [{fields}] {exception}");
        }
    }
}
