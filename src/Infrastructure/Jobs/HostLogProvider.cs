using Hangfire.Logging;
using Microsoft.Extensions.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Beacon.Infrastructure.Jobs;

/// <summary>
/// Hangfire's log output through the host's <see cref="ILoggerFactory"/>. Hangfire keeps its log provider in a
/// static, so when several hosts share a process (integration tests) a host may be handed another's factory
/// after that one was disposed; this answers with a silent logger then, instead of throwing.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return new ForwardingLog(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class ForwardingLog(ILogger logger) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };

            // Hangfire calls with no message to ask whether the level is enabled.
            if (messageFunc is null)
            {
                return logger.IsEnabled(level);
            }

            if (logger.IsEnabled(level))
            {
                // Hangfire hands over finished text, not a template: log it as is (braces and all).
                logger.Log(level, default, messageFunc(), exception, static (message, _) => message);
            }

            return true;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
