using Beacon.Application.Common.Exceptions;
using Beacon.Application.Realtime.Commands.PublishEvents;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using System.Text.Json;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Turns the application's exceptions into <c>application/problem+json</c>, so a client's mistake is a
/// 4xx that explains itself, never a 500, and an unreachable dependency (Redis, the database) a 503 with <c>Retry-After</c>.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>How often a database outage is logged as an error (the requests in between at debug level).</summary>
    private static readonly TimeSpan OutageLogInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Set in the <see cref="Exception.Data"/> of the outage exception logged as an error: error reporting takes that
    /// one and leaves the others of the outage out (Sentry's middleware would report each request's).
    /// </summary>
    internal const string ReportedOutageKey = "Beacon.ReportedOutage";

    private long _lastOutageLog;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (ProblemFor(context, exception) is not { } problem)
        {
            return false;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails? ProblemFor(HttpContext context, Exception exception) =>
        exception switch
        {
            ValidationException e => new HttpValidationProblemDetails(e.Errors) { Status = 400, Title = "The request is invalid." },
            PayloadTooLargeException e => new ProblemDetails { Status = 413, Title = "The payload is too large.", Detail = e.Message },
            NotFoundException e => new ProblemDetails { Status = 404, Title = "Not found.", Detail = e.Message },
            ForbiddenAccessException e => new ProblemDetails { Status = 403, Title = "Forbidden.", Detail = e.Message },
            ConflictException e => new ProblemDetails { Status = 409, Title = "Conflict.", Detail = e.Message },
            ServiceUnavailableException e => Unavailable(context, e.Message, e.RetryAfter),
            BatchInterruptedException e => Interrupted(context, e),
            BadHttpRequestException e => BadRequest(context, e),
            _ when DatabaseOutage.IsOutage(exception) => DatabaseUnavailable(context, exception),
            _ => null,
        };

    // Binding wraps Kestrel's body-size 413 in a generic 400; the size limit is the real answer. Its other messages
    // are written for the app's developer ("Implicit body inferred for parameter ...", "Failed to read parameter
    // ..."): a client is told what was wrong with what it sent, and which field, when the JSON parser knows.
    private static ProblemDetails BadRequest(HttpContext context, BadHttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                    return new ProblemDetails { Status = 413, Title = "The request body is too large.", Detail = inner.Message };
                case JsonException { InnerException: JsonException }:
                    // The reader's own error: the text is not JSON (its path is only where the parser stopped).
                    return new ProblemDetails { Status = 400, Title = "The request body could not be read.", Detail = "The body is not valid JSON." };
                case JsonException { Path: { Length: > 2 } path } when path.StartsWith("$.", StringComparison.Ordinal):
                    return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path[2..]] = [$"'{path[2..]}' has the wrong JSON type, or a value out of its type's range."] })
                    {
                        Status = 400,
                        Title = "The request body could not be read.",
                    };
                case JsonException:
                    return new ProblemDetails { Status = 400, Title = "The request body could not be read.", Detail = "The body is not a JSON object of the expected shape." };
            }
        }

        if (UnboundParameter().Match(e.Message) is { Success: true } unbound)
        {
            var name = unbound.Groups["name"].Value;
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [name] = [$"'{name}' takes one value of its type, in its range."] })
            {
                Status = 400,
                Title = "The request could not be read.",
            };
        }

        if (!e.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return new ProblemDetails { Status = e.StatusCode, Title = "The request could not be read.", Detail = e.Message };
        }

        // With a body, the binder's complaint about a missing one means the body was JSON null.
        var noBody = context.Request.ContentLength == 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey(HeaderNames.TransferEncoding));
        return new ProblemDetails { Status = 400, Title = "The request body could not be read.", Detail = noBody ? "A JSON body is required." : "The body is not a JSON object of the expected shape." };
    }

    // Minimal-API binding's text for a route or query value it cannot convert (a repeated one is joined with commas):
    // Failed to bind parameter "Nullable<int> page" from "abc".
    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)" from ".*"\.$""", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex UnboundParameter();

    // A handled exception leaves no diagnostics of the exception handler's own (.NET 10); EF Core still logs each failed
    // command. This says what the node does about it, as an error (which Sentry reports) once per interval.
    private ProblemDetails DatabaseUnavailable(HttpContext context, Exception exception)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastOutageLog);
        if ((last == 0 || now - last >= (long)OutageLogInterval.TotalMilliseconds) && Interlocked.CompareExchange(ref _lastOutageLog, now, last) == last)
        {
            exception.Data[ReportedOutageKey] = true;
            LogDatabaseOutage(logger, exception, context.Request.Method, context.Request.Path);
        }
        else
        {
            LogDatabaseOutageAgain(logger, context.Request.Method, context.Request.Path);
        }

        return Unavailable(context, "The database could not be reached; retry shortly.", DatabaseOutage.RetryAfter);
    }

    // The failure's own answer, with what the batch had published before it: the caller sends the rest, or the whole
    // batch again with its idempotency keys.
    private ProblemDetails? Interrupted(HttpContext context, BatchInterruptedException e)
    {
        var problem = ProblemFor(context, e.Failure);
        if (problem is not null)
        {
            problem.Detail = e.Message;
            problem.Extensions["published"] = e.Published;
        }

        return problem;
    }

    private static ProblemDetails Unavailable(HttpContext context, string detail, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails { Status = 503, Title = "Service unavailable.", Detail = detail };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The database could not be reached; {Method} {Path} and the requests after it answer 503 until it is back (logged at most every 30 s)")]
    private static partial void LogDatabaseOutage(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The database could not be reached; {Method} {Path} answered 503")]
    private static partial void LogDatabaseOutageAgain(ILogger logger, string method, string path);
}
