using System.Buffers;
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

/// <summary>The stream written through Kestrel's response pipe: HTTPS, HTTP/2 and hosts without sockets.</summary>
internal sealed class PipeSseOutput(PipeWriter writer) : ISseOutput
{
    public PipeWriter Start => writer;

    public void Write(EncodedEvent frame) => writer.Write(frame.Frame.Span);

    /// <summary>
    /// The last frame goes out with <see cref="PipeWriter.WriteAsync"/>, which Kestrel turns into one chunk and one
    /// flush under one lock; copying it in with GetSpan/Advance would take the response's lock twice more and then
    /// shift the bytes to fit the chunk header.
    /// </summary>
    public ValueTask<FlushResult> FlushAsync(EncodedEvent? last, CancellationToken cancellationToken) =>
        last is null ? writer.FlushAsync(cancellationToken) : writer.WriteAsync(last.Frame, cancellationToken);

    /// <summary>Kestrel ends the response when the request returns.</summary>
    public ValueTask EndAsync() => ValueTask.CompletedTask;
}
