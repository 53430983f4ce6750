using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Makes an HTTP/1.1 stream's <see cref="HttpContext.RequestAborted"/> the connection's own close token.
/// </summary>
/// <remarks>
/// Kestrel creates a request's abort token source on first use and keeps it, with its registration list, for the
/// request's life: about 110 bytes per stream, measured with bench/HeapStat. On HTTP/1.1 a stream is the last request
/// its connection carries, and Kestrel cancels the request's token from the connection's close token anyway (the
/// client went away, or the connection was aborted), so that token says the same and already exists. HTTP/2 and
/// HTTP/3 streams share their connection and keep the request's own token, as does a host without a connection
/// lifetime (the test server).
/// </remarks>
public static class StreamAbortToken
{
    /// <summary>Call before anything reads <see cref="HttpContext.RequestAborted"/>: a token already created is kept.</summary>
    public static void UseConnectionClose(HttpContext context)
    {
        if (HttpProtocol.IsHttp11(context.Request.Protocol)
            && context.Features.Get<IConnectionLifetimeFeature>() is { } connection)
        {
            context.RequestAborted = connection.ConnectionClosed;
        }
    }
}
