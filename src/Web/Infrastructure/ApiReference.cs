using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// The HTTP API's reference: its OpenAPI document at <c>/openapi/v1.json</c> and Scalar's browser for it at
/// <c>/scalar</c>, where a developer can send requests with a token from <c>POST /api/auth/dev-token</c>. On in
/// Development; elsewhere only with <c>ApiReference:Enabled=true</c>, since it tells anyone who finds it every route.
/// </summary>
internal static class ApiReference
{
    /// <summary>The document's name: <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>The name of the bearer scheme in the document.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>Whether the document and its browser are served: <c>ApiReference:Enabled</c>, by default only in Development.</summary>
    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>("ApiReference:Enabled") ?? environment.IsDevelopment();

    /// <summary>
    /// The JSON body of a route that reads its body itself. Not <c>Accepts&lt;T&gt;()</c>: that metadata also makes
    /// routing answer a request of another content type with its own 415, before authorization and the route's own
    /// problem.
    /// </summary>
    public sealed record RequestBody(Type Type);

    /// <summary>Registers the document's generator; it runs only when the document is asked for.</summary>
    public static IServiceCollection AddBeaconApiReference(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeAccess);
            options.AddOperationTransformer(DescribeRequestBody);
            options.AddOperationTransformer(DescribeProblems);
        });

    /// <summary>Maps <c>/openapi/v1.json</c> and <c>/scalar</c> when <see cref="IsEnabled"/>; nothing otherwise (a 404).</summary>
    public static WebApplication MapBeaconApiReference(this WebApplication app)
    {
        if (!IsEnabled(app.Configuration, app.Environment))
        {
            return app;
        }

        app.MapOpenApi().AllowAnonymous();

        // The page must work offline and under the app's content policy, and send nothing elsewhere: no fonts,
        // telemetry or AI chat from Scalar's servers, no links to its hosted services; its script is the copy the
        // package serves from this app.
        app.MapScalarApiReference(options => options
                .WithTitle("Beacon API")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .WithDotNetFlag(false)
                .AddPreferredSecuritySchemes(BearerScheme))
            .AllowAnonymous();
        return app;
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Beacon API",
            Version = DocumentName,
            Description = "Open event streams, publish events, manage notifications, jobs, conversations and presence. "
                + "Errors are application/problem+json. The streams' framing and event types are in docs/protocol.md and "
                + "docs/events.md. In Development, POST /api/auth/dev-token issues a token to try the API with.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT signed with Auth:SigningKey, its roles (user, publisher, admin) in the role claim.",
        };
        ApiReferenceStreams.Describe(document);
        return Task.CompletedTask;
    }

    /// <summary>Marks the operations behind a policy as needing the bearer token, with the 401 and 403 they can answer.</summary>
    private static Task DescribeAccess(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid bearer token." });
        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the role this needs." });
        }

        return Task.CompletedTask;
    }

    private static async Task DescribeRequestBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.RequestBody is not null || context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBody>().FirstOrDefault() is not { } body)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = await SchemaReferenceAsync(body.Type, context, cancellationToken) } },
        };
    }

    /// <summary>A reference to <paramref name="type"/>'s schema, added to the document's components once.</summary>
    private static async Task<IOpenApiSchema> SchemaReferenceAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
        {
            document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken));
        }

        return new OpenApiSchemaReference(type.Name, document);
    }

    /// <summary>
    /// The problems an operation can answer that its handler's signature does not show, because they are thrown and
    /// mapped by <see cref="ProblemExceptionHandler"/> (or written by the rate limiter): 400 with the invalid fields for
    /// a body or query, 404 for a route naming a resource, 429 behind a rate limit, 503 while a dependency is down.
    /// </summary>
    private static async Task DescribeProblems(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var problems = new List<(string Status, string Text, Type Body)>();
        // A route parameter with a constraint that does not match is a 404 (no route), so only a body or a query is input here.
        if (operation.RequestBody is not null || description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Query))
        {
            problems.Add(("400", "The input is invalid; errors lists the invalid fields.", typeof(HttpValidationProblemDetails)));
        }

        if (description.RelativePath?.Contains('{', StringComparison.Ordinal) == true)
        {
            problems.Add(("404", "No such resource, or not the caller's.", typeof(ProblemDetails)));
        }

        if (description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>().Any())
        {
            problems.Add(("429", "Too many requests; Retry-After says when to try again.", typeof(ProblemDetails)));
        }

        // Nearly every route reads or writes the database or Redis (events, tickets, cluster figures), either of which
        // can be down; declared on all rather than guessed route by route.
        problems.Add(("503", "A dependency (the database, Redis, the job queue) cannot be reached; Retry-After says when to try again.", typeof(ProblemDetails)));

        foreach (var (status, text, body) in problems)
        {
            operation.Responses ??= [];
            if (operation.Responses.ContainsKey(status))
            {
                continue;
            }

            // One component per problem type, referenced by every operation, rather than a copy in each.
            operation.Responses[status] = new OpenApiResponse
            {
                Description = text,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = await SchemaReferenceAsync(body, context, cancellationToken) } },
            };
        }
    }
}
