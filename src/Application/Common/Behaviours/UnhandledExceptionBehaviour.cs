using Beacon.Application.Common.Exceptions;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Beacon.Application.Common.Behaviours;

/// <summary>
/// Logs exceptions that escape a handler, as errors (which Sentry, when configured, reports). Expected outcomes
/// are not: a caller's mistake (validation, not found, forbidden, too large, conflict), and a dependency that is
/// down (Redis, the job queue, the database), which the caller answers with 503 and reports once per outage.
/// </summary>
public sealed partial class UnhandledExceptionBehaviour<TMessage, TResponse>(ILogger<UnhandledExceptionBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <inheritdoc />
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            LogOutage(logger, typeof(TMessage).Name, ex.Message);
            throw;
        }
        catch (Exception ex) when (!IsClientError(ex) && ex is not OperationCanceledException)
        {
            LogUnhandled(logger, ex, typeof(TMessage).Name);
            throw;
        }
    }

    private static bool IsClientError(Exception ex) =>
        ex is ValidationException or NotFoundException or ForbiddenAccessException or PayloadTooLargeException or ConflictException;

    private static bool IsOutage(Exception ex) => ex is ServiceUnavailableException || DatabaseOutage.IsOutage(ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception while handling {MessageName}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string messageName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{MessageName} failed: a dependency is unavailable ({Reason})")]
    private static partial void LogOutage(ILogger logger, string messageName, string reason);
}
