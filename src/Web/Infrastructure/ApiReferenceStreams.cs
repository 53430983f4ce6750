using Beacon.Web.Endpoints;
using Microsoft.OpenApi;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// The stream routes in the API reference. They run outside the middleware pipeline as plain request delegates
/// (<see cref="SseConnectPipeline"/>), which the endpoint explorer does not describe, so they are written into the
/// document here: their parameters, credentials and answers. Their wire formats are in docs/protocol.md and
/// docs/events.md, which the descriptions point to.
/// </summary>
internal static class ApiReferenceStreams
{
    private const string EventStream = "text/event-stream";
    private const string Problem = "application/problem+json";

    /// <summary>Adds <c>GET /api/sse</c>, <c>GET /api/notifications/stream</c> and <c>GET /api/ws</c> to <paramref name="document"/>.</summary>
    public static void Describe(OpenApiDocument document)
    {
        document.Paths ??= [];
        document.Paths[Sse.StreamPath] = Get(new OpenApiOperation
        {
            Tags = Tag(document, "SSE"),
            OperationId = "OpenEventStream",
            Summary = "Open the event stream (Server-Sent Events)",
            Description = "The stream starts with `retry:` and a `connected` event, replays what a resuming client missed (or sends one "
                + "`reset`), then carries the caller's events and a `ping` every Realtime:PingIntervalSeconds. Credentials: a bearer "
                + "token (header or `access_token`), a one-time `ticket` from POST /api/sse/ticket, or in anonymous mode `userId`. "
                + "Query parameters other than those listed are kept as connection metadata (at most 16, one value of at most 256 "
                + "characters each). Framing and event types: docs/events.md; errors after the stream started end it instead.",
            Parameters = [.. GeneralStreamQuery(), ResumeHeader()],
            Responses = Responses(document, [("200", "The stream.", EventStream), .. GeneralStreamProblems("A parameter is invalid; errors names it.")]),
            Security = OptionalBearer(document),
        });

        document.Paths[Notifications.StreamPath] = Get(new OpenApiOperation
        {
            Tags = Tag(document, "Notifications"),
            OperationId = "OpenNotificationStream",
            Summary = "Open the notification stream (Server-Sent Events)",
            Description = "The signed-in user's notification events only: `connected`, then `unread_count`, then `new_notification`, "
                + "`notification_read`, `notification_deleted` and `unread_count` as they happen, with a `heartbeat`. Resume as on "
                + "GET /api/sse. Needs a token with the role user, publisher or admin (header, `token` or `access_token`).",
            Parameters =
            [
                Query("lastEventId", "Resume point, when the Last-Event-ID header is absent."),
                ResumeHeader(),
                Query("token", "The bearer token, for EventSource."),
                Query("access_token", "The bearer token, for EventSource."),
            ],
            Responses = Responses(
                document,
                ("200", "The stream.", EventStream),
                ("400", "The resume point is invalid.", Problem),
                ("401", "No valid token.", Problem),
                ("403", "The token carries none of the roles user, publisher or admin.", Problem),
                ("429", "Too many new streams for this caller, or the user already holds Realtime:MaxStreamsPerUser streams across the cluster (every node counts together); Retry-After says when.", Problem),
                ("503", "The node is at its connection limit or shutting down; Retry-After says when.", Problem)),
            Security = [Bearer(document)],
        });

        document.Paths[Fallbacks.WebSocketPath] = Get(new OpenApiOperation
        {
            Tags = Tag(document, "Fallbacks"),
            OperationId = "OpenWebSocket",
            Summary = "Open the event stream over a WebSocket",
            Description = "For networks that break SSE. The same credentials (in the query: browsers cannot set headers on a "
                + "WebSocket), parameters, events and ids as GET /api/sse, one JSON text message {id, type, data} per event. "
                + "docs/protocol.md.",
            Parameters = GeneralStreamQuery(),
            Responses = Responses(document, [("101", "Switching to the WebSocket protocol.", null), .. GeneralStreamProblems("Not a WebSocket upgrade, or a parameter is invalid.", "; or the page's Origin is neither this site nor listed in Cors:AllowedOrigins (browsers apply no CORS to WebSockets)")]),
            Security = OptionalBearer(document),
        });
    }

    /// <summary>The query of <c>GET /api/sse</c> and <c>/api/ws</c> (SseConnectQuery's reserved parameters; any other is metadata).</summary>
    private static List<IOpenApiParameter> GeneralStreamQuery() =>
    [
        Query("topics", "Comma-separated topics to subscribe to (at most 64, each at most 256 printable characters); may be repeated."),
        Query("sessionId", "The client's session id, kept on the connection."),
        Query("lastEventId", "Resume point, when the Last-Event-ID header is absent (always, on a WebSocket)."),
        Query("ticket", "A one-time ticket from POST /api/sse/ticket, instead of a token."),
        Query("access_token", "The bearer token, for clients that cannot set headers (EventSource, WebSocket)."),
        Query("userId", "Anonymous mode only: the user to connect as; ignored with a token."),
    ];

    /// <summary>What refuses a <c>GET /api/sse</c> or <c>/api/ws</c> connect before it opens; <paramref name="forbiddenToo"/> adds to the 403's reasons.</summary>
    private static (string Status, string Description, string? ContentType)[] GeneralStreamProblems(string badRequest, string forbiddenToo = "") =>
    [
        ("400", badRequest, Problem),
        ("401", "No valid token or ticket (and not anonymous mode).", Problem),
        ("403", "A private topic (Realtime:PrivateTopicPrefixes) that the caller's token does not grant; 'topics' lists them" + forbiddenToo + ".", Problem),
        ("429", "Too many new streams for this caller (RateLimiting:SseConnections), or the user already holds Realtime:MaxStreamsPerUser streams across the cluster (every node counts together); Retry-After says when.", Problem),
        ("503", "The node is at Realtime:MaxClients or shutting down, or history is unavailable; Retry-After says when.", Problem),
    ];

    private static OpenApiPathItem Get(OpenApiOperation operation) => new() { Operations = new() { [HttpMethod.Get] = operation } };

    private static HashSet<OpenApiTagReference> Tag(OpenApiDocument document, string name) => [new OpenApiTagReference(name, document)];

    private static OpenApiParameter Query(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiParameter ResumeHeader() => new()
    {
        Name = "Last-Event-ID",
        In = ParameterLocation.Header,
        Description = "Resume point (EventSource sends it when it reconnects): one value of at most 256 characters.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = SseConnectQuery.MaxValueLength },
    };

    private static OpenApiResponses Responses(OpenApiDocument document, params (string Status, string Description, string? ContentType)[] responses)
    {
        var result = new OpenApiResponses();
        foreach (var (status, description, contentType) in responses)
        {
            result[status] = new OpenApiResponse
            {
                Description = description,
                Content = contentType is null ? null : new Dictionary<string, OpenApiMediaType>
                {
                    [contentType] = new() { Schema = contentType == Problem ? ProblemSchema(document) : new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            };
        }

        return result;
    }

    /// <summary>The problem schema the other routes' answers use (a 400's carries errors, which other problems leave out).</summary>
    private static IOpenApiSchema ProblemSchema(OpenApiDocument document) =>
        document.Components?.Schemas?.ContainsKey("HttpValidationProblemDetails") == true
            ? new OpenApiSchemaReference("HttpValidationProblemDetails", document)
            : new OpenApiSchema { Type = JsonSchemaType.Object };

    private static OpenApiSecurityRequirement Bearer(OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(ApiReference.BearerScheme, document)] = [] };

    /// <summary>A bearer token, or none (a ticket, or anonymous mode).</summary>
    private static List<OpenApiSecurityRequirement> OptionalBearer(OpenApiDocument document) => [Bearer(document), new()];
}
