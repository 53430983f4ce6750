using System.IO.Pipelines;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Where a stream's bytes go: Kestrel's response (<see cref="PipeSseOutput"/>) or, on a plain HTTP/1.1 connection,
/// the connection's socket itself (<see cref="SocketSseOutput"/>). Only the holder of the queue's reader role writes.
/// </summary>
internal interface ISseOutput
{
    /// <summary>Takes the stream's start (<c>retry:</c>, <c>connected</c>, the replay); its first flush starts the response.</summary>
    PipeWriter Start { get; }

    /// <summary>Buffers <paramref name="frame"/> to go out with the next <see cref="FlushAsync"/>.</summary>
    void Write(EncodedEvent frame);

    /// <summary>
    /// Sends what was buffered, then <paramref name="last"/> when given. It may finish later (the client is not
    /// draining): nothing else may be written until it has. The result is completed once the response is over.
    /// </summary>
    ValueTask<FlushResult> FlushAsync(EncodedEvent? last, CancellationToken cancellationToken);

    /// <summary>Ends the response once the stream is over.</summary>
    ValueTask EndAsync();
}
