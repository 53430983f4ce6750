using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// The response headers of a stream that <see cref="SocketSseOutput"/> will write, held in a dictionary of the
/// stream's own until it is known who writes the response.
/// </summary>
/// <remarks>
/// Kestrel keeps a header it has no field for (<c>X-Accel-Buffering</c>, the security headers, <c>X-RateLimit-*</c>) in
/// a dictionary it allocates on first use and keeps as long as the connection: about 320 bytes for the life of every
/// stream, measured with bench/HeapStat. A stream written to its socket sends its head itself and then
/// <see cref="Drop"/>s these. Kestrel writes only the headers it holds, so a response Kestrel writes instead (a
/// rejection, an error) must <see cref="Unstage"/> them first.
/// </remarks>
public sealed class StagedResponseHeaders : HeaderDictionary
{
    private readonly IHeaderDictionary _server;

    private StagedResponseHeaders(IHeaderDictionary server) => _server = server;

    /// <summary>Stages <paramref name="context"/>'s response headers when its stream will be written to the socket; call before any header is set.</summary>
    public static void Stage(HttpContext context, bool directSocketWrites)
    {
        if (directSocketWrites && SocketSseOutput.CanWriteTo(context) && context.Features.Get<IHttpResponseFeature>() is { } response)
        {
            response.Headers = new StagedResponseHeaders(response.Headers);
        }
    }

    /// <summary>Hands staged headers back to the server before it writes the response; does nothing when none are staged.</summary>
    public static void Unstage(HttpContext context)
    {
        if (context.Features.Get<IHttpResponseFeature>() is { Headers: StagedResponseHeaders staged } response)
        {
            foreach (var (name, values) in staged)
            {
                staged._server[name] = values;
            }

            response.Headers = staged._server;
        }
    }

    /// <summary>Drops staged headers once the stream has sent them itself.</summary>
    public static void Drop(HttpContext context)
    {
        if (context.Features.Get<IHttpResponseFeature>() is { Headers: StagedResponseHeaders staged } response)
        {
            response.Headers = staged._server;
        }
    }
}
