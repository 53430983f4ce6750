using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Beacon.IntegrationTests.Notifications;

namespace Beacon.IntegrationTests.BackgroundJobs;

/// <summary>Calls to <c>/api/jobs</c> as a user.</summary>
internal static class JobApi
{
    /// <summary>Starts a job as <paramref name="userId"/>, asserts 202 and returns the job.</summary>
    public static async Task<JsonElement> StartJobAsync(this BeaconHost host, string userId, object body)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/jobs", await host.TokenAsync(userId, "user"), body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        var job = JsonDocument.Parse(text).RootElement.Clone();
        response.Headers.Location?.OriginalString.ShouldBe($"/api/jobs/{job.GetProperty("id").GetGuid()}");
        return job;
    }

    /// <summary>A stream of <paramref name="userId"/>'s events.</summary>
    public static async Task<SseClient> StreamOfAsync(this BeaconHost host, string userId) =>
        await host.ConnectAsync(options: new SseOptions(Token: await host.TokenAsync(userId, "user")));

    /// <summary>Waits for <c>job_completed</c> of <paramref name="jobId"/>.</summary>
    public static Task<ReceivedEvent> WaitForCompletionAsync(this SseClient stream, Guid jobId) =>
        stream.Events.WaitForEventAsync("job_completed", e => e.Str("jobId") == jobId.ToString(), TimeSpan.FromSeconds(30));

    /// <summary>The <c>job_progress</c> events of one job, in arrival order.</summary>
    public static ReceivedEvent[] ProgressOf(this SseClient stream, Guid jobId) =>
        stream.Events.OfType("job_progress").Where(e => e.Str("jobId") == jobId.ToString()).ToArray();

    /// <summary>GET a job as its owner (or anyone).</summary>
    public static async Task<HttpResponseMessage> GetJobAsync(this BeaconHost host, string userId, Guid id) =>
        await host.SendAsync(HttpMethod.Get, $"api/jobs/{id}", await host.TokenAsync(userId, "user"));

    /// <summary>Reads a JSON body.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
