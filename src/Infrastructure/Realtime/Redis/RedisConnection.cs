using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// The node's one Redis multiplexer. Connects without aborting when Redis is down, so the node starts,
/// serves its open streams and reports not-ready; StackExchange.Redis reconnects and resubscribes by itself.
/// </summary>
internal static partial class RedisConnection
{
    public static IConnectionMultiplexer Connect(string connectionString, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "beacon";
        var multiplexer = ConnectionMultiplexer.Connect(options);
        multiplexer.ConnectionFailed += (_, e) => LogFailed(logger, e.Exception, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString());
        multiplexer.ConnectionRestored += (_, e) => LogRestored(logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString());
        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} ({ConnectionType}) failed")]
    private static partial void LogFailed(ILogger logger, Exception? exception, string endPoint, string connectionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {EndPoint} ({ConnectionType}) restored")]
    private static partial void LogRestored(ILogger logger, string endPoint, string connectionType);
}
