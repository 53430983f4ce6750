using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.Fallbacks;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Sse;
using Beacon.Web.Infrastructure;
using Beacon.Web.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Endpoints;

/// <summary>
/// A stream route (<c>GET /api/sse</c>, <c>GET /api/notifications/stream</c>, the WebSocket transport <c>/api/ws</c>;
/// <see cref="SseRoute"/> says who may open which), run as a short-circuited endpoint: routing starts it directly, and
/// the middleware pipeline does not run. A stream lives for hours, and every middleware that awaits the rest of the
/// pipeline (authentication, authorization, exception handler, status-code pages, request logging, rate limiting) would
/// keep its state, and the request's service scope, alive for as long: about 2 KB per connection, measured with
/// bench/HeapStat. This class does those middlewares' part for these routes, in the same order: security headers,
/// CORS, bearer authentication (in a service scope disposed once the caller is known), the connect rate limit, errors
/// as <c>application/problem+json</c>, and the redacted request log line. Once the connect is decided it awaits
/// nothing: the runner's task is the request's, and the runner hands the request back through <see cref="StreamEnd"/>.
/// </summary>
internal sealed partial class SseConnectPipeline
{
    private readonly IServiceScopeFactory _scopes;
    private readonly SseStreamRunner _runner;
    private readonly IOptions<RealtimeOptions> _options;
    private readonly ICorsService _cors;
    private readonly ICorsPolicyProvider _corsPolicies;
    private readonly IExceptionHandler[] _exceptionHandlers;
    private readonly IProblemDetailsService _problems;
    private readonly StreamConnectLimiter _limiter;
    private readonly ConnectionRegistry _registry;
    private readonly IUserStreamsElsewhere _streamsElsewhere;
    private readonly ILogger _requestLog;
    private readonly ILogger<SseConnectPipeline> _logger;

    private readonly SseRoute _route;

    public SseConnectPipeline(IServiceProvider services, SseRoute route)
    {
        _route = route;
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        _runner = services.GetRequiredService<SseStreamRunner>();
        _options = services.GetRequiredService<IOptions<RealtimeOptions>>();
        _cors = services.GetRequiredService<ICorsService>();
        _corsPolicies = services.GetRequiredService<ICorsPolicyProvider>();
        _exceptionHandlers = [.. services.GetServices<IExceptionHandler>()];
        _problems = services.GetRequiredService<IProblemDetailsService>();
        _limiter = services.GetRequiredService<StreamConnectLimiter>();
        _registry = services.GetRequiredService<ConnectionRegistry>();
        _streamsElsewhere = services.GetRequiredService<IUserStreamsElsewhere>();
        _requestLog = RequestLogging.CreateLogger(services.GetRequiredService<ILoggerFactory>());
        _logger = services.GetRequiredService<ILogger<SseConnectPipeline>>();
    }

    /// <summary>
    /// Opens the stream and returns the runner's task, which ends the request itself (<see cref="StreamEnd"/>): when
    /// everything before the stream completes at once (no asynchronous token validation or rate limiter), nothing here
    /// keeps a state machine alive for as long as the stream lasts (about 200 B per connection, bench/README.md,
    /// session 23).
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        var opening = OpenAsync(context);
        return opening.IsCompletedSuccessfully ? RunAsync(context, opening.Result) : OpenThenRunAsync(context, opening);
    }

    private async Task OpenThenRunAsync(HttpContext context, ValueTask<OpenedStream?> opening)
    {
        var opened = await opening;

        // The finished open's own state machine is not kept for the stream's life through this parameter.
        opening = default;
        await RunAsync(context, opened);
    }

    /// <summary>
    /// Everything before the stream: the middlewares' part, and the route's decision. Returns the stream to run, with
    /// what ends its request; null when the request has been answered here (a rejection or a problem) and logged.
    /// </summary>
    private async ValueTask<OpenedStream?> OpenAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        StreamAbortToken.UseConnectionClose(context);
        // A WebSocket's 101 is written by Kestrel, with the headers Kestrel holds.
        StagedResponseHeaders.Stage(context, _options.Value.DirectSocketWrites && _route.WebSocket is null);
        SecurityHeaders.Set(context.Response);
        OpenedStream? opened = null;
        try
        {
            var cors = await ApplyCorsAsync(context);
            if (_route.WebSocket is not null && !WebSocketOrigin.IsAllowed(context.Request, cors))
            {
                StagedResponseHeaders.Unstage(context);
                await WebSocketOrigin.Refusal(context.Request).ExecuteAsync(context);
                return null;
            }

            var bearer = await AuthenticateAsync(context);
            if (bearer.Succeeded)
            {
                context.User = bearer.Principal;
            }

            var chargesRedeemedUser = _route.ChargesRedeemedUser(context, bearer);
            UserStreams early = default;
            if (!chargesRedeemedUser)
            {
                early = await CountUserStreamsAsync(bearer.Succeeded ? bearer.Principal.GetUserId() : null, context.RequestAborted);
                if (await RefuseUserAtStreamLimitAsync(context, early) || !await TakeConnectPermitAsync(context, userId: null))
                {
                    return null;
                }
            }

            var decision = await _route.DecideAsync(context, bearer);
            if (chargesRedeemedUser)
            {
                early = await CountUserStreamsAsync(decision.Request?.UserId, context.RequestAborted);
                if (await RefuseUserAtStreamLimitAsync(context, early) || !await TakeConnectPermitAsync(context, decision.Caller))
                {
                    return null;
                }
            }

            // The caller is known: its principal (claims and the parsed token, about 5 KB with a JWT) is not needed
            // for the life of the stream, and nothing downstream reads it. Only a principal set here is cleared:
            // setting the user on a request that had none would give it an authentication feature to keep instead.
            if (bearer.Succeeded)
            {
                context.User = null!;
            }

            if (decision.Rejection is { } rejection)
            {
                StagedResponseHeaders.Unstage(context);
                await rejection.ExecuteAsync(context);
                return null;
            }

            // Admission counts the user's streams on this node again under the registry's lock, and takes those
            // elsewhere from here rather than asking Redis a second time.
            var request = early.Elsewhere is { } elsewhere && early.UserId == decision.Request!.UserId
                ? decision.Request with { StreamsElsewhere = elsewhere }
                : decision.Request!;
            opened = new OpenedStream(request, decision.Profile, new StreamEnd(this, started));
            return opened;
        }
        catch (Exception exception)
        {
            await FailAsync(context, exception);
            return null;
        }
        finally
        {
            // An opened stream's log line is its end's.
            if (opened is null)
            {
                RequestLogging.Log(_requestLog, context, started);
            }
        }
    }

    /// <summary>
    /// The streams <paramref name="userId"/> holds on this node and on the others, for the early
    /// <see cref="RealtimeOptions.MaxStreamsPerUser"/> answer: other nodes are asked (one Redis round trip with Redis,
    /// none embedded) only when the user has room under the cap on this node alone.
    /// </summary>
    private async ValueTask<UserStreams> CountUserStreamsAsync(string? userId, CancellationToken cancellationToken)
    {
        var cap = _options.Value.MaxStreamsPerUser;
        if (userId is null || cap <= 0)
        {
            return default;
        }

        var here = _registry.CountForUser(userId);
        return here >= cap
            ? new UserStreams(userId, here, Elsewhere: null)
            : new UserStreams(userId, here, await _streamsElsewhere.CountAsync(userId, cancellationToken));
    }

    /// <summary>
    /// Answers a user who already holds <see cref="RealtimeOptions.MaxStreamsPerUser"/> connections across the cluster
    /// at once, before the connect limit counts the attempt: a client that retries after each <c>Retry-After</c> would
    /// otherwise spend its connect window on refusals, and then be refused for a minute once a stream of its own has
    /// closed. Admission checks again under the registry's lock; this is only the early answer. True when answered.
    /// </summary>
    private async ValueTask<bool> RefuseUserAtStreamLimitAsync(HttpContext context, UserStreams streams)
    {
        var options = _options.Value;
        if (streams.UserId is null || streams.Here + (streams.Elsewhere ?? 0) < options.MaxStreamsPerUser)
        {
            return false;
        }

        StagedResponseHeaders.Unstage(context);
        await Sse.UserAtLimit(context, options).ExecuteAsync(context);
        return true;
    }

    /// <summary>A user's streams as counted at connect; <c>Elsewhere</c> is null when other nodes were not asked.</summary>
    private readonly record struct UserStreams(string? UserId, int Here, int? Elsewhere);

    /// <summary>
    /// The connect limit's permit for the request's caller, or for <paramref name="userId"/> when the route identified
    /// it; false when refused (the 429 is written). The permit counts this connect in its window (fixed windows, nothing
    /// to hand back): it is not held for the stream's life.
    /// </summary>
    private async ValueTask<bool> TakeConnectPermitAsync(HttpContext context, string? userId)
    {
        using var lease = await _limiter.AcquireAsync(context, userId);
        return lease is not { IsAcquired: false };
    }

    /// <summary>
    /// Runs the stream that was opened until it ends: over its WebSocket, whose handshake still reads the request's
    /// headers (the runner drops them once the socket is accepted), or as SSE on the response. Not async, so the
    /// stream's life keeps no state machine of its own here.
    /// </summary>
    private Task RunAsync(HttpContext context, OpenedStream? opened)
    {
        if (opened is not { } stream)
        {
            return Task.CompletedTask;
        }

        DropParsedQuery(context);
        if (_route.WebSocket is { } webSocket)
        {
            return webSocket.RunAsync(context, stream.Request, stream.End);
        }

        DropRequestHeaders(context.Request.Headers);
        return _runner.RunAsync(context, stream.Request, stream.Profile, stream.End);
    }

    /// <summary>
    /// What the exception-handler middleware does with a failure: a problem while the response has not started; after
    /// that, the line that reports it (Sentry does not take Kestrel's own) and the exception back to Kestrel, which
    /// aborts the connection. A client that went away is not a failure.
    /// </summary>
    private async ValueTask FailAsync(HttpContext context, Exception exception)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (!context.Response.HasStarted)
        {
            await WriteProblemAsync(context, exception);
            return;
        }

        if (exception is not OperationCanceledException)
        {
            LogFailedAfterStart(_logger, exception);
        }

        ExceptionDispatchInfo.Throw(exception);
    }

    /// <summary>
    /// The query is in the connect request now. Its parsed copy (a dictionary with its strings, about 350 B, and a
    /// token passed as <c>access_token</c>) would otherwise live as long as the stream; whatever reads the query
    /// later (the request log line) parses it again. <see cref="HttpRequest"/> caches its features until the
    /// collection's revision changes and it next reads one, so one read follows to drop that cache too.
    /// </summary>
    private static void DropParsedQuery(HttpContext context)
    {
        context.Features.Set<IQueryFeature>(null);
        _ = context.Request.Method;
    }

    /// <summary>
    /// The headers have been read too (bearer token, <c>Origin</c>, <c>Last-Event-ID</c>), but Kestrel keeps their
    /// values for the life of the request: the bearer token, and with a browser's EventSource its cookies, user agent
    /// and client hints, about 1.3 KB. Kestrel releases them on <c>Clear()</c> because string reuse is off
    /// (<see cref="DependencyInjection"/>); enumerating the headers to remove them one by one would instead leave a
    /// cached enumerator (128 B) on the request. Nothing after this point reads a request header.
    /// </summary>
    private static void DropRequestHeaders(IHeaderDictionary headers) => headers.Clear();

    /// <summary>
    /// What the CORS middleware does for a simple (non-preflight) request: the allow-list's headers, or none. Returns
    /// the policy's evaluation of the request's <c>Origin</c> (null without one), which the WebSocket route holds the
    /// handshake to (<see cref="WebSocketOrigin"/>).
    /// </summary>
    private async Task<CorsResult?> ApplyCorsAsync(HttpContext context)
    {
        if (!context.Request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Origin))
        {
            return null;
        }

        if (await _corsPolicies.GetPolicyAsync(context, policyName: null) is not { } policy)
        {
            return null;
        }

        var result = _cors.EvaluatePolicy(context, policy);
        _cors.ApplyResult(result, context.Response);
        return result;
    }

    /// <summary>
    /// The default (bearer) scheme, in a scope of its own: the handler is not kept for the life of the stream. The
    /// handler is created from <see cref="HttpContext.RequestServices"/>, so the request's services point at that
    /// scope meanwhile; otherwise the request would open its own scope, kept (with its disposal callback) until
    /// the stream ends. A request with no token anywhere (a ticket, anonymous mode) skips it: about 2 KB of garbage
    /// per connect (bench/README.md, session 17).
    /// </summary>
    private async Task<AuthenticateResult> AuthenticateAsync(HttpContext context)
    {
        if (!JwtSetup.MayCarryToken(context.Request))
        {
            return AuthenticateResult.NoResult();
        }

        var requestServices = context.Features.Get<IServiceProvidersFeature>();
        await using var scope = _scopes.CreateAsyncScope();
        context.Features.Set<IServiceProvidersFeature>(new ServiceProvidersFeature { RequestServices = scope.ServiceProvider });
        try
        {
            return await scope.ServiceProvider.GetRequiredService<IAuthenticationService>().AuthenticateAsync(context, scheme: null);
        }
        finally
        {
            context.Features.Set(requestServices);
        }
    }

    /// <summary>What the exception-handler middleware does: the app's problem mapping, else a logged 500.</summary>
    private async Task WriteProblemAsync(HttpContext context, Exception exception)
    {
        StagedResponseHeaders.Unstage(context);
        context.Response.Clear();
        SecurityHeaders.Set(context.Response);
        foreach (var handler in _exceptionHandlers)
        {
            if (await handler.TryHandleAsync(context, exception, context.RequestAborted))
            {
                return;
            }
        }

        LogUnhandled(_logger, exception);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await _problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An error occurred while processing your request." },
            Exception = exception,
        });
    }

    /// <summary>A stream the route opened: who connects and what to, and what ends its request.</summary>
    private readonly record struct OpenedStream(SseConnectRequest Request, SseStreamProfile? Profile, StreamEnd End);

    /// <summary>
    /// Ends a stream's request as this pipeline would after awaiting the stream: the 503 of a stream that could not
    /// start, or the failure's problem (or abort); then the request's log line.
    /// </summary>
    private sealed class StreamEnd(SseConnectPipeline pipeline, long started) : ISseStreamEnd
    {
        public async ValueTask EndAsync(HttpContext context, SseStreamResult result, Exception? failure)
        {
            try
            {
                if (failure is not null)
                {
                    await pipeline.FailAsync(context, failure);
                }
                else
                {
                    var answer = Sse.Outcome(context, result, pipeline._options.Value);
                    StagedResponseHeaders.Unstage(context);
                    await answer.ExecuteAsync(context);
                }
            }
            catch (Exception exception) when (failure is null)
            {
                await pipeline.FailAsync(context, exception);
            }
            finally
            {
                RequestLogging.Log(pipeline._requestLog, context, started);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An unhandled exception occurred while opening an SSE stream")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "An SSE stream failed after its response started; the connection is aborted")]
    private static partial void LogFailedAfterStart(ILogger logger, Exception exception);
}
