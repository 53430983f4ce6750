using System.Diagnostics;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// One log line per request with credentials redacted from the query string. ASP.NET Core's own request
/// log prints the raw URL — which carries <c>access_token</c> for EventSource clients — so it is off and
/// this replaces it.
/// </summary>
internal static partial class RequestLogging
{
    private static readonly HashSet<string> Secret = new(StringComparer.OrdinalIgnoreCase) { "access_token", "token", "ticket" };

    /// <summary>
    /// Turns ASP.NET Core's own request lines off (they print raw URLs, tokens included): <c>Beacon.Requests</c>
    /// replaces them. Off entirely, not capped at a level: while that category is enabled at any level, ASP.NET Core
    /// opens a logging scope and an <see cref="System.Diagnostics.Activity"/> per request, which an SSE request keeps
    /// for the life of its stream. The category's only other line, a startup failure, is logged by Program.
    /// A rule that names a provider outranks every rule that names none, so a level configured for one provider
    /// (<c>Logging:Console:LogLevel:Default</c>) would turn the lines back on for it: each provider the configuration
    /// names gets the same rule of its own, also after the configuration reloads.
    /// </summary>
    public static IServiceCollection AddRedactedRequestLogging(this IServiceCollection services)
    {
        services.AddLogging(logging => logging.AddFilter(HostingDiagnostics, LogLevel.None));
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            foreach (var provider in options.Rules.Select(r => r.ProviderName).OfType<string>().Distinct(StringComparer.Ordinal).ToList())
            {
                options.Rules.Add(new LoggerFilterRule(provider, HostingDiagnostics, LogLevel.None, filter: null));
            }
        });
        return services;
    }

    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IApplicationBuilder UseRedactedRequestLogging(this IApplicationBuilder app)
    {
        var logger = CreateLogger(app.ApplicationServices.GetRequiredService<ILoggerFactory>());
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                Log(logger, context, started);
            }
        });
    }

    /// <summary>The <c>Beacon.Requests</c> logger (for requests served outside the pipeline).</summary>
    internal static ILogger CreateLogger(ILoggerFactory loggers) => loggers.CreateLogger("Beacon.Requests");

    /// <summary>Logs <paramref name="context"/>'s request line, redacted, with its status and the time since <paramref name="started"/>.</summary>
    internal static void Log(ILogger logger, HttpContext context, long started)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            LogRequest(logger, context.Request.Method, context.Request.Path, Redact(context.Request.Query), context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    internal static string Redact(IQueryCollection query) =>
        query.Count == 0 ? string.Empty : "?" + string.Join("&", query.Select(p => p.Key + "=" + (Secret.Contains(p.Key) ? "***" : (string?)p.Value)));

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}{Query} -> {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, string query, int statusCode, double elapsedMs);
}
