using System.Net;

namespace Beacon.Client;

/// <summary>The server refused a publish; what its <c>application/problem+json</c> answer said.</summary>
public sealed class BeaconPublishException : Exception
{
    /// <summary>Creates the exception from a problem answer.</summary>
    public BeaconPublishException(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors, TimeSpan? retryAfter)
        : base($"Beacon refused the event ({(int)status}): {title}{(detail is null ? "" : " " + detail)}")
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status: 400 invalid event, 401/403 credentials, 413 too large, 429 rate limited, 503 not stored.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail, when given.</summary>
    public string? Detail { get; }

    /// <summary>For a 400 about fields: each field's messages, keyed as the server names them (<c>type</c>, <c>audience.users</c>, ...).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>When the server asked to be retried (429, 503), after the client's own retries were spent.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Whether nothing was published: true for every refusal but a 409, which says an earlier attempt with the same
    /// key is still running and may yet publish the event.
    /// </summary>
    public bool NothingPublished => Status != HttpStatusCode.Conflict;
}
