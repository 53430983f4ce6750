using System.Net;
using System.Text.Json;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>Assertions for <c>application/problem+json</c> error responses.</summary>
public static class ProblemAssertions
{
    /// <summary>Asserts the status and the problem+json content type, and returns the parsed body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        json.GetProperty("status").GetInt32().ShouldBe((int)status, body);
        return json;
    }

    /// <summary>The messages of one field in a validation problem's <c>errors</c>.</summary>
    public static string[] FieldErrors(this JsonElement problem, string field)
    {
        problem.TryGetProperty("errors", out var errors).ShouldBeTrue($"no 'errors' in {problem}");
        errors.TryGetProperty(field, out var messages).ShouldBeTrue($"no errors.{field} in {problem}");
        return messages.EnumerateArray().Select(m => m.GetString()!).ToArray();
    }
}
