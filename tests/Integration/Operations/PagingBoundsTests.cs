using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// Every paged list takes pages 1 to 1,000,000 and answers anything else with a 400 naming only the field that is
/// wrong: a page so high that its offset overflowed used to come back as the first page.
/// </summary>
public sealed class PagingBoundsTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Theory]
    [InlineData("api/jobs", "page=0", "page")]
    [InlineData("api/jobs", "page=1000001", "page")]
    [InlineData("api/jobs", "page=2147483647&pageSize=100", "page")]
    [InlineData("api/notifications", "page=1000001", "page")]
    [InlineData("api/notifications", "page=2147483647&pageSize=100", "page")]
    [InlineData("api/admin/sse-monitor", "page=0&pageSize=20", "page")]
    [InlineData("api/admin/sse-monitor", "page=107374184&pageSize=20", "page")]
    [InlineData("api/admin/sse-monitor", "page=1&pageSize=0", "pageSize")]
    public async Task A_page_out_of_range_is_a_400_naming_only_that_field(string path, string query, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"{path}?{query}", await host.AdminTokenAsync());

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([field], customMessage: problem.ToString());
        if (field == "page")
        {
            problem.FieldErrors("page").ShouldBe(["'page' is 1-1000000."]);
        }
    }

    [Theory]
    [InlineData("api/jobs")]
    [InlineData("api/notifications")]
    [InlineData("api/admin/sse-monitor")]
    public async Task The_last_page_is_an_empty_page(string path)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"{path}?page=1000000&pageSize=100", await host.AdminTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var items = path.EndsWith("sse-monitor", StringComparison.Ordinal) ? body.GetProperty("users").GetProperty("items") : body.GetProperty("items");
        items.GetArrayLength().ShouldBe(0);
    }
}
