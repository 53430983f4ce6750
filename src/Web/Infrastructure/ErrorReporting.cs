using System.Reflection;
using Beacon.Application.Common.Exceptions;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sentry;
using Microsoft.Extensions.Options;
using Sentry.AspNetCore;
using Sentry.Extensibility;
using Sentry.Extensions.Logging;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Sentry, switched on only when <c>Sentry:Dsn</c> is set: nothing is initialised and nothing is sent otherwise
/// (not even when a <c>SENTRY_DSN</c> environment variable happens to be present). When on, it reports unhandled
/// request exceptions (including those the exception handler turned into a 500), errors logged at
/// <c>Error</c> or above, and what <see cref="IErrorReporter"/> is told (Redis outages), each with the
/// environment, the release and the node id. Long-lived requests (streams, WebSockets, long-polls) run outside
/// Sentry's per-request and per-log-scope state, which they would otherwise hold for hours (docs/operations.md, Sentry).
/// </summary>
internal static partial class ErrorReporting
{
    public const string SectionName = "Sentry";

    /// <summary>EF Core's error lines for a failed command or connection (which carry no exception).</summary>
    private static readonly HashSet<string> EntityFrameworkFailureLines =
        [RelationalEventId.CommandError.Name!, RelationalEventId.ConnectionError.Name!];

    /// <summary>Request headers that carry credentials.</summary>
    private static readonly string[] SecretHeaders = ["Authorization", "Cookie", "Proxy-Authorization", "X-Api-Key"];

    /// <summary>Whether <c>Sentry:Dsn</c> is set.</summary>
    public static bool IsEnabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[$"{SectionName}:Dsn"]);

    /// <summary>Adds Sentry when <c>Sentry:Dsn</c> is set; otherwise does nothing.</summary>
    public static WebApplicationBuilder AddBeaconErrorReporting(this WebApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }

        var environment = builder.Environment.EnvironmentName;
        builder.WebHost.UseSentry(options =>
        {
            // Binds the rest of the "Sentry" section (SampleRate, Debug, MaxBreadcrumbs, ...) on top of these.
            options.Environment ??= environment;
            options.Release ??= Environment.GetEnvironmentVariable("SENTRY_RELEASE") ?? DefaultRelease();
            options.SendDefaultPii = false;
            options.MaxRequestBodySize = RequestSize.None;
            options.AutoSessionTracking = false;

            // A client's mistake or a dependency outage is not a bug: those are 4xx/503 answers with their own
            // handling (and Redis outages are reported once each, below), not one Sentry event per request.
            options.AddExceptionFilterForType<ValidationException>();
            options.AddExceptionFilterForType<NotFoundException>();
            options.AddExceptionFilterForType<ForbiddenAccessException>();
            options.AddExceptionFilterForType<ConflictException>();
            options.AddExceptionFilterForType<PayloadTooLargeException>();
            options.AddExceptionFilterForType<ServiceUnavailableException>();
            options.AddExceptionFilterForType<BadHttpRequestException>();
            options.AddExceptionFilterForType<OperationCanceledException>();
            options.AddExceptionFilter(new OutageReportedOnce());
            options.SetBeforeSend(Redact);
            options.SetBeforeBreadcrumb(RedactBreadcrumb);

            // A job that fails for good is reported by FailedJobReporter, with its id and name; Hangfire's own
            // error line about it would be the same exception again (and Sentry drops the second one).
            options.AddLogEntryFilter((category, _, _, _) => category == "Hangfire.AutomaticRetryAttribute");

            // EF Core logs a failed command or connection as an error without its exception, which reaches the
            // caller and is reported there, with its stack (or, for a database outage, once per interval by
            // ProblemExceptionHandler): as events of their own they would double every failure. Other log providers
            // still get them.
            options.AddLogEntryFilter((_, _, eventId, _) => eventId.Name is { } name && EntityFrameworkFailureLines.Contains(name));
        });

        LeaveLongLivedRequestsOut(builder.Services);
        KeepStreamsOutOfSentryScopes(builder.Logging);

        // Every event carries the node, including those raised outside a request (outages, jobs).
        builder.Services.AddSingleton<IConfigureOptions<SentryAspNetCoreOptions>, NodeTag>();
        builder.Services.RemoveAll<IErrorReporter>();
        builder.Services.AddSingleton<IErrorReporter, SentryErrorReporter>();
        return builder;
    }

    /// <summary>
    /// Sentry's request middleware runs for every request but the long-lived ones (<see cref="LongLivedRequests"/>). It
    /// keeps a scope of its own (a copy of the current one, with a trace context) for the life of its request, which on
    /// an SSE stream, a WebSocket or a long-poll is as long as the client stays. With the scopes of the next method,
    /// Sentry took 16 KB per idle stream, more than the stream itself (bench/README.md, session 21). Their failures
    /// still reach Sentry through the error lines they log (Sentry's logging integration), with the environment, the
    /// release and the node.
    /// </summary>
    private static void LeaveLongLivedRequestsOut(IServiceCollection services)
    {
        var sentry = services.SingleOrDefault(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType == typeof(SentryStartupFilter))
            ?? throw new InvalidOperationException("Sentry's ASP.NET Core integration no longer registers SentryStartupFilter: check ErrorReporting against the SDK's version.");

        // In its place, so it stays the outermost middleware as Sentry intends.
        services[services.IndexOf(sentry)] = ServiceDescriptor.Singleton<IStartupFilter, SentryOutsideLongLivedRequests>();
    }

    /// <summary>
    /// Sentry keeps its scopes in the async flow: the first log line its provider takes in a flow gives that flow a
    /// scope of its own (about 4 KB with its breadcrumb), and every log scope opened there pushes another, a copy
    /// kept until the log scope ends. On a stream both last as long as the client stays. Two rules keep streams out:
    /// <list type="bullet">
    /// <item>Sentry's provider follows the app's <c>Logging:LogLevel</c> like every other provider. The SDK adds a
    /// rule of its own that lets everything through to it (so <c>Microsoft.AspNetCore</c> at <c>Warning</c> did not
    /// hold for Sentry: routing's line for each stream opened a scope, the host's request log scope another).</item>
    /// <item>It takes none of Kestrel's lines: Kestrel opens a log scope per connection. A request's failure that
    /// Kestrel would report is logged first by the exception handler (or, for <c>GET /api/sse</c>, by its pipeline),
    /// and Sentry takes that line; Kestrel's own faults stay in the other log providers.</item>
    /// </list>
    /// </summary>
    private static void KeepStreamsOutOfSentryScopes(ILoggingBuilder logging)
    {
        logging.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            foreach (var catchAll in options.Rules.Where(rule => rule.ProviderName == SentryLoggerProviderName && rule.CategoryName is null).ToList())
            {
                options.Rules.Remove(catchAll);
            }

            options.Rules.Add(new LoggerFilterRule(SentryLoggerProviderName, "Microsoft.AspNetCore.Server.Kestrel", LogLevel.None, filter: null));
        });
    }

    /// <summary>The type name of the SDK's logger provider (internal), which logging rules match on.</summary>
    internal const string SentryLoggerProviderName = "Sentry.AspNetCore.SentryAspNetCoreLoggerProvider";

    /// <summary><c>beacon@</c> + the informational version stamped at build time (e.g. <c>beacon@1.4.0+3f2c1ab</c>).</summary>
    internal static string DefaultRelease()
    {
        var assembly = typeof(ErrorReporting).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        return "beacon@" + version;
    }

    /// <summary>
    /// Strips credentials from what an event carries: tokens in the request's query string and URL, auth headers
    /// and cookies, and tokens inside log messages (ASP.NET Core's "Request starting" line prints raw URLs).
    /// </summary>
    private static SentryEvent? Redact(SentryEvent sentryEvent, SentryHint hint)
    {
        if (sentryEvent.Request is { } request)
        {
            request.QueryString = RedactSecrets(request.QueryString);
            request.Url = RedactSecrets(request.Url);
            foreach (var header in SecretHeaders)
            {
                request.Headers.Remove(header);
            }

            request.Cookies = null;
        }

        if (sentryEvent.Message is { } message)
        {
            message.Message = RedactSecrets(message.Message);
            message.Formatted = RedactSecrets(message.Formatted);
        }

        return sentryEvent;
    }

    /// <summary>Log lines become breadcrumbs; the same tokens must not travel in them.</summary>
    private static Breadcrumb? RedactBreadcrumb(Breadcrumb crumb, SentryHint hint)
    {
        var message = RedactSecrets(crumb.Message);
        var data = crumb.Data?.ToDictionary(p => p.Key, p => RedactSecrets(p.Value) ?? string.Empty);
        var changed = message != crumb.Message || (crumb.Data is not null && crumb.Data.Any(p => data![p.Key] != p.Value));
        return changed ? new Breadcrumb(message ?? string.Empty, crumb.Type ?? string.Empty, data, crumb.Category, crumb.Level) : crumb;
    }

    /// <summary>
    /// Replaces the value of every <c>access_token=</c>, <c>ticket=</c> or <c>token=</c> parameter with <c>[redacted]</c>.
    /// Percent-encoded text is decoded first: ASP.NET Core decodes parameter names, so <c>acc%65ss_token=</c> is a token
    /// too, and would otherwise travel as it was sent.
    /// </summary>
    internal static string? RedactSecrets(string? text) =>
        string.IsNullOrEmpty(text) ? text : SecretParameter().Replace(text.Contains('%') ? Uri.UnescapeDataString(text) : text, "${name}=[redacted]");

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![A-Za-z0-9_])(?<name>access_token|ticket|token)=[^&\s#""']*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretParameter();

    /// <summary>What <see cref="SentryStartupFilter"/> adds (Sentry's middleware), in a branch that long-lived requests skip.</summary>
    private sealed class SentryOutsideLongLivedRequests : IStartupFilter
    {
        private readonly SentryStartupFilter _sentry = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseWhen(context => !LongLivedRequests.Matches(context.Request), _sentry.Configure(static _ => { }));
            next(app);
        };
    }

    /// <summary>
    /// A database outage fails every request until it ends: <see cref="ProblemExceptionHandler"/> logs one of them as
    /// an error per interval, and only that one is an event.
    /// </summary>
    private sealed class OutageReportedOnce : IExceptionFilter
    {
        public bool Filter(Exception ex) => DatabaseOutage.IsOutage(ex) && !ex.Data.Contains(ProblemExceptionHandler.ReportedOutageKey);
    }

    /// <summary>Tags every event with the node that raised it, as reported in <c>connected</c> and in stats.</summary>
    private sealed class NodeTag(NodeIdentity node) : IConfigureOptions<SentryAspNetCoreOptions>
    {
        public void Configure(SentryAspNetCoreOptions options) => options.DefaultTags["node"] = node.NodeId;
    }

    /// <summary>Sends what <see cref="IErrorReporter"/> is told to Sentry, at level error.</summary>
    private sealed class SentryErrorReporter(IHub hub) : IErrorReporter
    {
        public void Report(Exception? exception, string message, IReadOnlyDictionary<string, string>? tags = null)
        {
            var sentryEvent = exception is null ? new SentryEvent() : new SentryEvent(exception);
            sentryEvent.Message = message;
            sentryEvent.Level = SentryLevel.Error;
            foreach (var (key, value) in tags ?? new Dictionary<string, string>())
            {
                sentryEvent.SetTag(key, value);
            }

            hub.CaptureEvent(sentryEvent);
        }
    }
}
