namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// Reports operational failures that no request sees as an exception — a Redis outage, a failed background
/// job — to the error tracker. Sentry when <c>Sentry:Dsn</c> is set; otherwise a no-op. Unhandled request
/// exceptions do not need it: the tracker's own middleware captures those.
/// </summary>
public interface IErrorReporter
{
    /// <summary>Reports one failure.</summary>
    /// <param name="exception">The cause, when there is one.</param>
    /// <param name="message">What failed, in words an operator understands; never tokens or payloads.</param>
    /// <param name="tags">Searchable facts, e.g. <c>component=redis</c>.</param>
    void Report(Exception? exception, string message, IReadOnlyDictionary<string, string>? tags = null);
}
