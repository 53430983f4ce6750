using System.Net;
using System.Text.Json;

namespace Beacon.IntegrationTests.Operations;

/// <summary>A Beacon whose API reference is switched off.</summary>
public sealed class ApiReferenceOffHost() : BeaconHost(("ApiReference:Enabled", "false"));

/// <summary>
/// The API reference (Development's default): the OpenAPI document describes every route with its access rule, its
/// response's schema and the problems it can answer, and Scalar's page that browses it is served from the app itself.
/// </summary>
public sealed class ApiReferenceTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task The_document_names_the_bearer_scheme_and_which_routes_need_it()
    {
        using var document = await DocumentAsync();
        var root = document.RootElement;

        root.GetProperty("info").GetProperty("title").GetString().ShouldBe("Beacon API");
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        bearer.GetProperty("type").GetString().ShouldBe("http");
        bearer.GetProperty("scheme").GetString().ShouldBe("bearer");

        // Behind a policy: the bearer requirement, 401 and 403. Anonymous routes: none of them.
        var listJobs = Operation(root, "/api/jobs", "get");
        listJobs.GetProperty("security")[0].TryGetProperty("Bearer", out _).ShouldBeTrue();
        Statuses(listJobs).ShouldContain("401");
        Statuses(listJobs).ShouldContain("403");
        var devToken = Operation(root, "/api/auth/dev-token", "post");
        devToken.TryGetProperty("security", out _).ShouldBeFalse();
        Statuses(devToken).ShouldNotContain("401");
    }

    [Fact]
    public async Task Every_route_that_requires_authorization_is_marked_so()
    {
        using var document = await DocumentAsync();
        string[] protectedPrefixes = ["/api/jobs", "/api/conversations", "/api/presence", "/api/notifications", "/api/admin", "/api/system"];

        var unmarked = AllOperations(document.RootElement)
            .Where(o => protectedPrefixes.Any(p => o.Path.StartsWith(p, StringComparison.Ordinal)) && !o.Operation.TryGetProperty("security", out _))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}")
            .ToArray();

        unmarked.ShouldBeEmpty();
    }

    [Fact]
    public async Task Responses_carry_their_schemas_and_the_problems_a_route_can_answer()
    {
        using var document = await DocumentAsync();
        var root = document.RootElement;

        var list = Operation(root, "/api/notifications", "get");
        SchemaOf(list, "200", "application/json").ShouldBe("#/components/schemas/NotificationPage");
        SchemaOf(list, "400", "application/problem+json").ShouldBe("#/components/schemas/HttpValidationProblemDetails");

        var getJob = Operation(root, "/api/jobs/{id}", "get");
        SchemaOf(getJob, "200", "application/json").ShouldBe("#/components/schemas/JobDto");
        SchemaOf(getJob, "404", "application/problem+json").ShouldBe("#/components/schemas/ProblemDetails");

        // A route parameter is not input that can be invalid: a non-matching one is no route (404).
        Statuses(getJob).ShouldNotContain("400");

        var publish = Operation(root, "/api/events", "post");
        publish.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).ShouldBeTrue();
        Statuses(publish).ShouldBe(["202", "400", "401", "403", "409", "413", "415", "429", "503"], ignoreOrder: true);

        // Every answer with a body says what the body is.
        var withoutSchema = AllOperations(root)
            .SelectMany(o => o.Operation.GetProperty("responses").EnumerateObject()
                .Where(r => r.Name is "200" or "201" && !r.Value.TryGetProperty("content", out _))
                .Select(r => $"{o.Method.ToUpperInvariant()} {o.Path} {r.Name}"));
        withoutSchema.ShouldBeEmpty();
        SchemaOf(Operation(root, "/api/sse/stats", "get"), "200", "application/json").ShouldBe("#/components/schemas/StreamStats");
        Operation(root, "/api/sse/clients/{clientId}", "delete").GetProperty("responses").TryGetProperty("204", out _).ShouldBeTrue();
        SchemaOf(Operation(root, "/api/sse/users/{userId}", "delete"), "200", "application/json").ShouldBe("#/components/schemas/DisconnectUserResult");
        SchemaOf(Operation(root, "/api/sse/topics/presence", "get"), "200", "application/json").ShouldBe("#/components/schemas/TopicPresence");

        // A database or Redis outage is a 503 problem on any route (the database's since it is mapped like Redis's).
        SchemaOf(list, "503", "application/problem+json").ShouldBe("#/components/schemas/ProblemDetails");
        var without503 = AllOperations(root).Where(o => !Statuses(o.Operation).Contains("503")).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}");
        without503.ShouldBeEmpty();

        // Every route that names a resource can answer 404.
        var without404 = AllOperations(root).Where(o => o.Path.Contains('{', StringComparison.Ordinal) && !Statuses(o.Operation).Contains("404")).Select(o => o.Path);
        without404.ShouldBeEmpty();
    }

    /// <summary>
    /// The streams run outside the endpoint explorer's view (short-circuited request delegates), so the document writes
    /// them itself; their query parameters must stay those the connect parser reserves.
    /// </summary>
    [Fact]
    public async Task The_streams_are_described_with_their_parameters_and_answers()
    {
        using var document = await DocumentAsync();
        var root = document.RootElement;

        var stream = Operation(root, "/api/sse", "get");
        stream.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _).ShouldBeTrue();
        Statuses(stream).ShouldBe(["200", "400", "401", "403", "429", "503"], ignoreOrder: true);
        var parameters = stream.GetProperty("parameters").EnumerateArray().Select(p => (Name: p.GetProperty("name").GetString()!, In: p.GetProperty("in").GetString())).ToArray();
        parameters.ShouldContain(("Last-Event-ID", "header"));
        var query = parameters.Where(p => p.In == "query").Select(p => p.Name).Concat(["token", "_"]);
        query.ShouldBe(Beacon.Web.Endpoints.SseConnectQuery.Reserved, ignoreOrder: true);

        var notifications = Operation(root, "/api/notifications/stream", "get");
        notifications.GetProperty("security")[0].TryGetProperty("Bearer", out _).ShouldBeTrue();
        Statuses(notifications).ShouldContain("403");

        var webSocket = Operation(root, "/api/ws", "get");
        Statuses(webSocket).ShouldContain("101");
    }

    /// <summary>Scalar's page and its script come from Beacon itself, under the app's content policy (the browser test renders it).</summary>
    [Fact]
    public async Task The_reference_page_and_its_script_are_served_by_the_app()
    {
        using var page = await host.Api.GetAsync("scalar/");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'self'");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("Beacon API");
        html.ShouldNotContain("https://", customMessage: "the page loads something from elsewhere");

        using var script = await host.Api.GetAsync("scalar/scalar.js");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        using var response = await host.Api.GetAsync("openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Operation(JsonElement root, string path, string method) => root.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> AllOperations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (p.Name, m.Name, m.Value)));

    private static string[] Statuses(JsonElement operation) => [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

    private static string? SchemaOf(JsonElement operation, string status, string contentType) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty(contentType).GetProperty("schema").GetProperty("$ref").GetString();
}

/// <summary>Switched off (the default outside Development), neither the document nor the page exists.</summary>
public sealed class ApiReferenceOffTests(ApiReferenceOffHost host) : IClassFixture<ApiReferenceOffHost>
{
    [Theory]
    [InlineData("openapi/v1.json")]
    [InlineData("scalar/")]
    [InlineData("scalar/scalar.js")]
    public async Task Neither_the_document_nor_the_page_is_served(string path)
    {
        using var response = await host.Api.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
