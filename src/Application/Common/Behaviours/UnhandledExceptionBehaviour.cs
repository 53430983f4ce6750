using Beacon.Application.Common.Exceptions;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Beacon.Application.Common.Behaviours;

/// <summary>
/// Logs exceptions that escape a handler. Expected outcomes (validation, not found, forbidden, too large)
/// are the caller's mistakes, not ours, so they are not logged as errors.
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
        catch (Exception ex) when (!IsClientError(ex) && ex is not OperationCanceledException)
        {
            LogUnhandled(logger, ex, typeof(TMessage).Name);
            throw;
        }
    }

    private static bool IsClientError(Exception ex) =>
        ex is ValidationException or NotFoundException or ForbiddenAccessException or PayloadTooLargeException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception while handling {MessageName}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string messageName);
}
