using Beacon.Application.Common.Interfaces;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// The node's one Redis multiplexer. Connects without aborting when Redis is down, so the node starts,
/// serves its open streams and reports not-ready; StackExchange.Redis reconnects and resubscribes by itself.
/// Outages are logged and reported to the error tracker, once per outage rather than once per retry.
/// </summary>
internal static partial class RedisConnection
{
    public static IConnectionMultiplexer Connect(string connectionString, ILogger logger, IErrorReporter errors)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "beacon";
        var multiplexer = ConnectionMultiplexer.Connect(options);
        var outage = new OutageLatch();
        multiplexer.ConnectionFailed += (_, e) =>
        {
            var endPoint = e.EndPoint?.ToString() ?? "?";
            LogFailed(logger, e.Exception, endPoint, e.ConnectionType.ToString());
            if (outage.Begin(e.ConnectionType))
            {
                errors.Report(
                    e.Exception,
                    $"Redis connection to {endPoint} failed ({e.FailureType})",
                    new Dictionary<string, string>
                    {
                        ["component"] = "redis",
                        ["redis.endpoint"] = endPoint,
                        ["redis.failure_type"] = e.FailureType.ToString(),
                        ["redis.connection_type"] = e.ConnectionType.ToString(),
                    });
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            outage.End(e.ConnectionType);
            LogRestored(logger, e.EndPoint?.ToString() ?? "?", e.ConnectionType.ToString());
        };
        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} ({ConnectionType}) failed")]
    private static partial void LogFailed(ILogger logger, Exception? exception, string endPoint, string connectionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {EndPoint} ({ConnectionType}) restored")]
    private static partial void LogRestored(ILogger logger, string endPoint, string connectionType);

    /// <summary>
    /// One report per outage: the interactive and subscription connections both fail, and every reconnect
    /// attempt while Redis is down fails again; the tracker hears about it once, when the first connection
    /// goes down while none was, and again only after every failed connection has been restored.
    /// </summary>
    private sealed class OutageLatch
    {
        private readonly HashSet<ConnectionType> _down = [];

        public bool Begin(ConnectionType connection)
        {
            lock (_down)
            {
                var wasUp = _down.Count == 0;
                _down.Add(connection);
                return wasUp;
            }
        }

        public void End(ConnectionType connection)
        {
            lock (_down)
            {
                _down.Remove(connection);
            }
        }
    }
}
