using Microsoft.AspNetCore.Http;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// How the route that opened a stream ends its request, once the stream is over or could not start: the answer for a
/// stream that never started (a full or stopping node, a failure before the response), then the request's log line.
/// <see cref="SseStreamRunner"/> calls it from the stream's state machine, so the route keeps no state machine of its
/// own alive for as long as the stream lasts (bench/README.md, session 23).
/// </summary>
internal interface ISseStreamEnd
{
    /// <summary>Ends the request of a stream that ran (or not) with <paramref name="result"/>, or failed with <paramref name="failure"/>.</summary>
    /// <param name="context">The stream's request.</param>
    /// <param name="result">How the stream went; meaningless when <paramref name="failure"/> is set.</param>
    /// <param name="failure">What the stream threw, if it did; the end may throw it again (to abort the connection).</param>
    ValueTask EndAsync(HttpContext context, SseStreamResult result, Exception? failure);
}
