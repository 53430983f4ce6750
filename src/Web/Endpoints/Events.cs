using System.Text.Json;
using Beacon.Application.Realtime.Commands.PublishEvent;
using Beacon.Application.Realtime.Commands.PublishEvents;
using Beacon.Infrastructure.Realtime;
using Beacon.Web.Infrastructure;
using Beacon.Web.Infrastructure.RateLimiting;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Beacon.Web.Endpoints;

/// <summary>Publishing over HTTP: <c>POST /api/events</c>.</summary>
internal static class Events
{
    // Room for the type name and the audience around the payload.
    private const int EnvelopeAllowanceBytes = 256 * 1024;

    /// <summary>Set on the answer to a retry with an earlier request's <c>Idempotency-Key</c> (as Stripe names it).</summary>
    internal const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", Publish)
            .WithTags("Events")
            .RequireAuthorization(Roles.CanPublish)
            .RequireRateLimiting(RateLimitPolicies.Publish)
            .WithMetadata(new ApiReference.RequestBody(typeof(PublishEventCommand)))
            .Produces<PublishEventResult>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/events/batch", PublishBatch)
            .WithTags("Events")
            .RequireAuthorization(Roles.CanPublish)
            .RequireRateLimiting(RateLimitPolicies.Publish)
            .Produces<PublishEventsResult>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// Reads the body itself, after capping its size near the payload limit, so an oversized request is
    /// refused with 413 while it streams in instead of being buffered whole.
    /// </summary>
    private static async Task<IResult> Publish(HttpContext context, ISender sender, IOptions<RealtimeOptions> options, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxPayloadBytes + EnvelopeAllowanceBytes;
        }

        if (!context.Request.HasJsonContentType())
        {
            return Results.Problem(statusCode: 415, title: "Send the event as application/json.");
        }

        // Thrown as minimal-API binding throws, so the problem handler answers as on every route with a body (the
        // field's JSON path, or what was wrong with the text), not with the parser's text, which names our types.
        if (context.Request.ContentLength == 0)
        {
            throw new BadHttpRequestException("The request body is empty.");
        }

        PublishEventCommand? command;
        try
        {
            command = await context.Request.ReadFromJsonAsync<PublishEventCommand>(json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The event could not be read.", e);
        }

        if (command is null)
        {
            return Results.Problem(statusCode: 400, title: "The body must be a JSON object {type, data, audience}.");
        }

        var key = context.Request.Headers[PublishEventHandler.IdempotencyKeyHeader];
        if (key.Count > 1)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [PublishEventHandler.IdempotencyKeyHeader] = ["Send one Idempotency-Key."] });
        }

        var result = await sender.Send(key.Count == 1 ? command with { IdempotencyKey = key[0] } : command, cancellationToken);
        if (result.Replayed)
        {
            // The answer of the first request with this key; nothing was published this time.
            context.Response.Headers[ReplayedHeader] = "true";
        }

        return Results.Accepted(value: result);
    }

    /// <summary>
    /// Several events in one request, published in order. The body is bound as on every other route (Kestrel's
    /// request size limit applies to the whole batch); each event's key travels in the body, not a header.
    /// </summary>
    private static async Task<IResult> PublishBatch(HttpContext context, PublishEventsCommand command, ISender sender, PublishLimiter limiter, CancellationToken cancellationToken)
    {
        if (context.Request.Headers.ContainsKey(PublishEventHandler.IdempotencyKeyHeader))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                [PublishEventHandler.IdempotencyKeyHeader] = ["A batch takes each event's key in the body (events[i].idempotencyKey), not this header."],
            });
        }

        // The middleware took the request's permit; each further event takes one more, as its own publish would.
        var events = command.Events?.Count ?? 0;
        if (limiter.Enabled && events > limiter.Rule.PermitLimit)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["events"] = [$"A batch may hold at most {limiter.Rule.PermitLimit} events, the publish limit per window (RateLimiting:Publish:PermitLimit)."],
            });
        }

        if (await limiter.AcquireAsync(context, events - 1) is { IsAcquired: false })
        {
            return Results.Empty; // the 429 problem is written
        }

        return Results.Accepted(value: await sender.Send(command, cancellationToken));
    }
}
