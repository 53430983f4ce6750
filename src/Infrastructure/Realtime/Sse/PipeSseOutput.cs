using System.Buffers;
using System.IO.Pipelines;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.Infrastructure.Realtime.Sse;

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
