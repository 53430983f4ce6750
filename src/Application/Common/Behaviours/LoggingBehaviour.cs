using System.Diagnostics;
using Beacon.Application.Common.Interfaces;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Beacon.Application.Common.Behaviours;

/// <summary>Logs each message's name, the caller and how long it took. Never logs the message body: it may hold personal data.</summary>
public sealed partial class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger, IUser user)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <inheritdoc />
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await next(message, cancellationToken);
        LogHandled(logger, typeof(TMessage).Name, user.Id ?? "anonymous", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {MessageName} for {UserId} in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string messageName, string userId, double elapsedMs);
}
