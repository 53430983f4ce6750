using System.Net;
using System.Text.Json;

namespace Beacon.IntegrationTests.Demo;

/// <summary>The demo page and <c>POST /api/sse/demo</c> (Development, anonymous mode).</summary>
public sealed class DemoTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    private static readonly string[] StandardTypes = ["system", "notification", "update", "progress", "success", "error"];

    [Fact]
    public async Task Sse_demo_page_is_served_as_html()
    {
        using var response = await host.Api.GetAsync("sse-demo");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldStartWith("<!doctype html>", Case.Insensitive);

        // /sse-demo is the React client's page once ClientApp is built; the plain EventSource page stays at /sse-demo.html.
        using var plain = await host.Api.GetAsync("sse-demo.html");
        plain.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await plain.Content.ReadAsStringAsync()).ShouldContain("<script src=\"/sse-demo.js\"></script>");
        using var script = await host.Api.GetAsync("sse-demo.js");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await script.Content.ReadAsStringAsync()).ShouldContain("new EventSource(\"/api/sse");
    }

    [Fact]
    public async Task Demo_endpoint_sends_the_six_standard_events_to_the_callers_client_only()
    {
        var user = Unique.Id("demo");
        await using var caller = await host.ConnectAsync(Query.User(user));
        await using var callersOtherTab = await host.ConnectAsync(Query.User(user));
        await using var someoneElse = await host.ConnectAsync();

        using var response = await host.Api.PostAsJsonAsync("api/sse/demo", new { clientId = caller.ClientId });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids").EnumerateArray().Select(i => i.GetString()!).ToArray();
        ids.Length.ShouldBe(6);
        await caller.Events.WaitForIdAsync(ids[^1]);
        caller.Events.WithIds.Select(e => e.Type).ShouldBe(StandardTypes);
        caller.Events.WithIds.Select(e => e.Id).ShouldBe(ids);
        caller.Events.OfType("progress").Single().Int("progress").ShouldBe(50);

        await host.BroadcastMarkerAndWaitAsync(caller, callersOtherTab, someoneElse);
        callersOtherTab.Events.WithIds.Select(e => e.Type).ShouldBe(["test.marker"]);
        someoneElse.Events.WithIds.Select(e => e.Type).ShouldBe(["test.marker"]);
    }

    [Fact]
    public async Task Demo_endpoint_for_a_claimed_user_reaches_all_their_connections()
    {
        var user = Unique.Id("demo-user");
        await using var tab1 = await host.ConnectAsync(Query.User(user));
        await using var tab2 = await host.ConnectAsync(Query.User(user));

        using var response = await host.Api.PostAsJsonAsync("api/sse/demo", new { userId = user });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await tab1.Events.WaitForEventAsync("error");
        await tab2.Events.WaitForEventAsync("error");
        tab2.Events.WithIds.Select(e => e.Type).ShouldBe(StandardTypes);
    }

    [Fact]
    public async Task Demo_endpoint_without_a_client_id_is_rejected_with_400()
    {
        using var response = await host.Api.PostAsJsonAsync("api/sse/demo", new { });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("clientId").ShouldNotBeEmpty();
    }
}
