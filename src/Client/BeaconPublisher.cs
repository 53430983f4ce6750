using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Beacon.Client;

/// <summary>
/// Publishes events to a Beacon server (<c>POST /api/events</c>) from another service. Every publish carries its own
/// <c>Idempotency-Key</c>, so the retries of <see cref="Microsoft.Extensions.DependencyInjection.BeaconClientServiceCollectionExtensions.AddBeaconPublisher"/>'s
/// pipeline (a timeout, a dropped connection, a 503 or 429) publish the event once: a retry whose first attempt did
/// get through is answered with that attempt's id.
/// </summary>
/// <param name="http">An <see cref="HttpClient"/> whose base address is the Beacon server and which sends a publisher's bearer token.</param>
public sealed class BeaconPublisher(HttpClient http)
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string ReplayedHeader = "Idempotent-Replayed";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Publishes an event of <paramref name="type"/> with <paramref name="data"/> (serialized as JSON) to <paramref name="audience"/>.</summary>
    /// <param name="type">The event type: letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, <c>:</c>; not a reserved protocol name.</param>
    /// <param name="data">The payload; serialized with the web defaults (camelCase).</param>
    /// <param name="audience">Who receives it.</param>
    /// <param name="idempotencyKey">
    /// The key that makes retries safe; a new one per call when null. Pass your own to make retries of a whole operation
    /// safe across processes (a message id from a queue, say): the server keeps it for its idempotency window.
    /// </param>
    /// <param name="cancellationToken">Cancels the publish; the event may still have been accepted.</param>
    /// <returns>The event's id (the SSE <c>id</c> subscribers see) and whether it was an earlier attempt's answer.</returns>
    /// <exception cref="BeaconPublishException">The server refused it (after the pipeline's retries, for 429 and 503).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached.</exception>
    public async Task<PublishedEvent> PublishAsync<T>(string type, T data, BeaconAudience audience, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(audience);

        // Buffered once, so every retry of this one message sends the same bytes under the same key.
        var body = JsonSerializer.SerializeToUtf8Bytes(new { type, data, audience }, Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey ?? Guid.NewGuid().ToString("N"));

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var accepted = await response.Content.ReadFromJsonAsync<Accepted>(Web, cancellationToken);
            return new PublishedEvent(accepted?.Id ?? throw new InvalidOperationException("Beacon accepted the event without an id."), response.Headers.Contains(ReplayedHeader));
        }

        throw await RefusalAsync(response, cancellationToken);
    }

    /// <summary>
    /// Publishes up to 100 events in one request (<c>POST /api/events/batch</c>), in order. An event without a key gets
    /// one, so the pipeline's retries (and yours, with the same list) publish each event once: a retry after a batch cut
    /// off part way is answered with the first ids of what was published and publishes the rest.
    /// </summary>
    /// <param name="events">The events, 1 to 100; payloads serialized with the web defaults.</param>
    /// <param name="cancellationToken">Cancels the publish; some events may still have been accepted.</param>
    /// <returns>Each event's id, in the order given.</returns>
    /// <exception cref="BeaconPublishException">The server refused the batch (a 400 or 413 publishes none of it).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached.</exception>
    public async Task<IReadOnlyList<PublishedEvent>> PublishBatchAsync(IReadOnlyList<BeaconBatchEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new { events = events.Select(e => new { type = e.Type, data = e.Data, audience = e.Audience, idempotencyKey = e.IdempotencyKey ?? Guid.NewGuid().ToString("N") }) },
            Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events/batch") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var accepted = await response.Content.ReadFromJsonAsync<BatchAccepted>(Web, cancellationToken);
            return accepted?.Events?.Select(e => new PublishedEvent(e.Id, e.Replayed)).ToArray()
                ?? throw new InvalidOperationException("Beacon accepted the batch without its ids.");
        }

        throw await RefusalAsync(response, cancellationToken);
    }

    private static async Task<BeaconPublishException> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(Web, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document after all (a proxy's page, say): the status says enough.
            }
        }

        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } at ? at - DateTimeOffset.UtcNow : null)
            : null;
        return new BeaconPublishException(response.StatusCode, problem?.Title ?? response.ReasonPhrase, problem?.Detail, problem?.Errors, retryAfter);
    }

    private sealed record Accepted(string? Id);

    private sealed record BatchAccepted(PublishedEvent[]? Events);

    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

/// <summary>An accepted event.</summary>
/// <param name="Id">Its id: the SSE <c>id</c> subscribers see, usable as <c>Last-Event-ID</c>.</param>
/// <param name="Replayed">Whether the server answered with an earlier attempt's id (the first attempt got through; nothing was published again).</param>
public sealed record PublishedEvent(string Id, bool Replayed);

/// <summary>One event of <see cref="BeaconPublisher.PublishBatchAsync"/>.</summary>
/// <param name="Type">The event type.</param>
/// <param name="Data">The payload; serialized with the web defaults (camelCase).</param>
/// <param name="Audience">Who receives it.</param>
/// <param name="IdempotencyKey">Your own key (a message id, say), to make redelivery of the whole operation safe; a new one when null.</param>
public sealed record BeaconBatchEvent(string Type, object Data, BeaconAudience Audience, string? IdempotencyKey = null);
