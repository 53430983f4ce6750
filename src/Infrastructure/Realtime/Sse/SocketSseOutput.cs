using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Beacon.Infrastructure.Realtime.Sse;

/// <summary>
/// Writes a stream straight to its plain HTTP/1.1 connection's socket: status line, headers and chunked body.
/// Through Kestrel, each delivery is copied into the response pipe, handed to an I/O queue, and sent by a second
/// thread; that hand-off was 17 % of the node's CPU in the broadcast profile, the gap to nginx + nchan
/// (bench/README.md, session 7). Here a delivery is one non-blocking <c>send</c> of a chunk encoded once per event
/// (<see cref="EncodedEvent.ChunkedFrame"/>), on the producer's thread; what the socket does not take at once
/// (a client that is not draining) is sent asynchronously, and the stream's queue holds what follows.
/// </summary>
/// <remarks>
/// Kestrel never writes to such a response: it has not started as far as Kestrel knows, so when the stream ends
/// the connection closes after the last chunk (the response says <c>Connection: close</c>), instead of Kestrel
/// answering the request a second time. Until the first flush nothing is sent, so an error before it still gets
/// Kestrel's problem response.
/// </remarks>
internal sealed class SocketSseOutput : PipeWriter, ISseOutput
{
    private static readonly FlushResult Open = new(isCanceled: false, isCompleted: false);
    private static readonly FlushResult Over = new(isCanceled: false, isCompleted: true);
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    /// <summary>How long an ended stream waits for its client to close the connection; a client reconnects at once.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    /// <summary>Above this a batch is assembled in a buffer of its own rather than the thread's.</summary>
    private const int MaxThreadBatch = 64 * 1024;

    /// <summary>
    /// Where a batch is assembled into one chunk: the frames are written and flushed back to back on one thread (the
    /// queue's reader role) and the send is synchronous, so the buffer is free again once the flush returns; only what
    /// the socket does not take at once is copied. A batch per connection per broadcast at 20/s allocated about 1.3 KB
    /// each through a buffer per stream (1 s of GC pauses in 15 s, bench/README.md, session 16).
    /// </summary>
    [ThreadStatic]
    private static byte[]? t_batch;

    private readonly Socket _socket;
    private readonly CancellationToken _closed;
    private HttpContext? _context;
    private Handover.StreamHandover? _handover;
    private ArrayBufferWriter<byte>? _buffered;
    private EncodedEvent[]? _pending;
    private int _pendingCount;
    private bool _started;
    private volatile bool _broken;
    private volatile bool _sending;

    private SocketSseOutput(HttpContext context, Socket socket)
    {
        _context = context;
        _socket = socket;
        _closed = context.RequestAborted;
    }

    /// <summary>Whether the response's first bytes have gone to the socket; from then on it is this stream's alone.</summary>
    public bool Started => _started;

    public PipeWriter Start => this;

    /// <summary>
    /// The socket output for <paramref name="context"/>, or null where the bytes on the socket are not the response's
    /// own (TLS, HTTP/2, a host without sockets such as the test server).
    /// </summary>
    public static SocketSseOutput? TryCreate(HttpContext context)
    {
        if (SocketOf(context) is not { } socket)
        {
            return null;
        }

        // Kestrel only runs asynchronous operations on it; a synchronous send must report a full buffer, not wait.
        socket.Blocking = false;
        return new SocketSseOutput(context, socket);
    }

    /// <summary>Whether <see cref="TryCreate"/> gives an output for <paramref name="context"/>.</summary>
    public static bool CanWriteTo(HttpContext context) => SocketOf(context) is not null;

    /// <summary>The socket whose bytes are this response's own: plain HTTP/1.1 only.</summary>
    private static Socket? SocketOf(HttpContext context) =>
        HttpProtocol.IsHttp11(context.Request.Protocol) && context.Features.Get<ITlsConnectionFeature>() is null
            ? context.Features.Get<IConnectionSocketFeature>()?.Socket
            : null;

    /// <summary>Queues a frame for the next flush: by reference once the stream has started, else after the bytes written so far.</summary>
    public void Write(EncodedEvent frame)
    {
        if (!_started || _buffered is { WrittenCount: > 0 })
        {
            Buffer.Write(frame.Frame.Span);
            return;
        }

        _pending ??= new EncodedEvent[4];
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
        }

        _pending[_pendingCount++] = frame;
    }

    public ValueTask<FlushResult> FlushAsync(EncodedEvent? last, CancellationToken cancellationToken)
    {
        if (_started && _pendingCount == 0 && (_buffered is null || _buffered.WrittenCount == 0))
        {
            // The common case, one event to a started stream: its chunk is already encoded.
            return last is null ? new ValueTask<FlushResult>(_broken ? Over : Open) : Send(last.ChunkedFrame, cancellationToken);
        }

        return SendChunk(last, cancellationToken);
    }

    /// <summary>
    /// Sends the last chunk and then a FIN, and waits (up to <see cref="CloseWait"/>) for the client to close its side
    /// before the connection is aborted: an abort while unsent bytes remain resets the connection and drops them, and
    /// the last frames of an ending stream (<c>token_expired</c>, a shutdown's <c>retry:</c>) are the ones that matter.
    /// </summary>
    public async ValueTask EndAsync()
    {
        if (!_started)
        {
            return;
        }

        // A client Kestrel has seen go away gets no last chunk: its socket may be disposed already, and the send would
        // only throw, once per stream when thousands drop at once (a reconnect storm).
        if (_closed.IsCancellationRequested)
        {
            Abort();
            return;
        }

        // A send still under way (the stream failed while one was pending) must not be interleaved with the last chunk.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_closed);
        wait.CancelAfter(CloseWait);
        if (!_broken && !_sending && (await Send(LastChunk, wait.Token)) is { IsCompleted: false })
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                await Task.Delay(Timeout.Infinite, wait.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client closed (what we wait for), or the connection is already gone.
            }
        }

        Abort();
    }

    /// <summary>
    /// The stream has taken the connection over from its request (<see cref="Handover.StreamHandover"/>): the request's
    /// context is about to be recycled, so the response's head must have gone out already, and aborts go to the connection.
    /// </summary>
    public void HandOver(Handover.StreamHandover handover)
    {
        if (!_started)
        {
            throw new InvalidOperationException("A stream hands its connection over only once its response has started.");
        }

        _handover = handover;
        _context = null;
    }

    private void Abort()
    {
        if (_handover is { } handover)
        {
            handover.Abort();
        }
        else
        {
            _context!.Abort();
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => FlushAsync(null, cancellationToken);

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _buffered?.WrittenCount ?? 0;

    public override void Advance(int bytes) => Buffer.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => Buffer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Buffer.GetSpan(sizeHint);

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    private ArrayBufferWriter<byte> Buffer => _buffered ??= new ArrayBufferWriter<byte>();

    /// <summary>
    /// Sends, as one chunk, the frames written since the last flush, then the bytes buffered after them, then
    /// <paramref name="last"/>; on the first call the status line and headers go before it. All of it is assembled in
    /// the thread's batch buffer (<see cref="t_batch"/>), and the stream keeps nothing: a batch per connection per
    /// broadcast allocated about 1.3 KB through a buffer per stream (bench/README.md, session 16), and a stream's start
    /// about 3 KB through a string builder, its string, the head's bytes and copies (session 17).
    /// </summary>
    private ValueTask<FlushResult> SendChunk(EncodedEvent? last, CancellationToken cancellationToken)
    {
        var pending = _pending is null ? default : _pending.AsSpan(0, _pendingCount);
        var buffered = _buffered is { } writer ? writer.WrittenSpan : default;
        var body = buffered.Length + (last?.Frame.Length ?? 0);
        foreach (var frame in pending)
        {
            body += frame.Frame.Length;
        }

        var headLength = _started ? 0 : ResponseHeadLength(); // validates the headers before anything is sent
        var length = headLength + (body == 0 ? 0 : SseFrameEncoder.ChunkLength(body));
        if (length == 0)
        {
            return new ValueTask<FlushResult>(_broken ? Over : Open);
        }

        var bytes = BatchBuffer(length);
        if (!_started)
        {
            WriteResponseHead(bytes.AsSpan(0, headLength));
            _started = true;
            StagedResponseHeaders.Drop(_context!);

            // Kestrel never sees this response start, so it would record the request as a 499 when it ends; a stream's
            // duration says nothing about requests anyway. Beacon's own metrics count streams (docs/metrics.md).
            if (_context!.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
            {
                metrics.MetricsDisabled = true;
            }
        }

        if (body > 0)
        {
            var rest = SseFrameEncoder.FrameChunk(bytes.AsSpan(headLength, length - headLength), body);
            foreach (var frame in pending)
            {
                frame.Frame.Span.CopyTo(rest);
                rest = rest[frame.Frame.Length..];
            }

            buffered.CopyTo(rest);
            last?.Frame.Span.CopyTo(rest[buffered.Length..]);
        }

        // Dropped rather than cleared: an idle stream keeps no buffer of its own (nor the one its replay needed).
        _pending = null;
        _pendingCount = 0;
        _buffered = null;
        return Send(bytes.AsMemory(0, length), cancellationToken, borrowed: ReferenceEquals(bytes, t_batch));
    }

    /// <summary>The status line and headers' length in bytes; throws for a header that may not be sent (<see cref="Checked"/>).</summary>
    private int ResponseHeadLength()
    {
        var response = _context!.Response;
        var length = "HTTP/1.1 000 \r\n"u8.Length + ReasonPhrases.GetReasonPhrase(StatusOf(response)).Length + HeadEnd.Length;
        foreach (var (name, values) in response.Headers)
        {
            foreach (var value in values)
            {
                length += Checked(name).Length + 2 + Checked(value).Length + 2;
            }
        }

        return length;
    }

    /// <summary>Writes the status line and headers: ASCII throughout, which <see cref="ResponseHeadLength"/> checked.</summary>
    private void WriteResponseHead(Span<byte> head)
    {
        var response = _context!.Response;
        var status = StatusOf(response);
        var rest = Append(head, "HTTP/1.1 "u8);
        status.TryFormat(rest, out var digits, provider: CultureInfo.InvariantCulture);
        rest = Append(rest[digits..], " "u8);
        rest = Append(Append(rest, ReasonPhrases.GetReasonPhrase(status)), "\r\n"u8);
        foreach (var (name, values) in response.Headers)
        {
            foreach (var value in values)
            {
                rest = Append(Append(Append(Append(rest, name), ": "u8), value), "\r\n"u8);
            }
        }

        rest = Append(rest, "Date: "u8);
        DateTimeOffset.UtcNow.TryFormat(rest, out var written, "r", CultureInfo.InvariantCulture);
        Append(rest[written..], "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"u8);
    }

    /// <summary>The date line (always 29 characters in the <c>r</c> format) and the fixed headers that end the head.</summary>
    private static ReadOnlySpan<byte> HeadEnd => "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"u8;

    private static int StatusOf(HttpResponse response) => response.StatusCode is >= 100 and <= 999
        ? response.StatusCode
        : throw new InvalidOperationException($"{response.StatusCode} is not an HTTP status code.");

    private static Span<byte> Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return destination[bytes.Length..];
    }

    private static Span<byte> Append(Span<byte> destination, string? ascii) =>
        destination[Encoding.ASCII.GetBytes(ascii ?? string.Empty, destination)..];

    /// <summary>A buffer of at least <paramref name="length"/> bytes: the thread's, unless that would grow past <see cref="MaxThreadBatch"/>.</summary>
    private static byte[] BatchBuffer(int length) =>
        length > MaxThreadBatch ? new byte[length]
        : t_batch is { } own && own.Length >= length ? own
        : t_batch = new byte[Math.Max(length, Math.Min(MaxThreadBatch, 2 * (t_batch?.Length ?? 2048)))];

    /// <summary>
    /// Staged headers (<see cref="StagedResponseHeaders"/>) are not validated as they are set, as Kestrel's are: a value
    /// with a line break or a non-ASCII character fails the stream before anything is sent, rather than splitting the head.
    /// </summary>
    private static string Checked(string? text)
    {
        foreach (var c in text ?? string.Empty)
        {
            if (c is < ' ' or > '~' && c != '\t')
            {
                throw new InvalidOperationException("A response header has a character that is not allowed in an HTTP/1.1 header.");
            }
        }

        return text ?? string.Empty;
    }

    /// <summary>
    /// One non-blocking send; the rest, if the socket's buffer is full, asynchronously (copied first when
    /// <paramref name="borrowed"/>: the thread's batch buffer is reused by its next flush).
    /// </summary>
    private ValueTask<FlushResult> Send(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken, bool borrowed = false)
    {
        if (_broken)
        {
            return new ValueTask<FlushResult>(Over);
        }

        int sent;
        SocketError error;
        try
        {
            sent = _socket.Send(bytes.Span, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException)
        {
            return Broken();
        }

        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            return Broken();
        }

        return sent == bytes.Length ? new ValueTask<FlushResult>(Open)
            : SendRestAsync(borrowed ? bytes[sent..].ToArray() : bytes[sent..], cancellationToken);
    }

    private async ValueTask<FlushResult> SendRestAsync(ReadOnlyMemory<byte> rest, CancellationToken cancellationToken)
    {
        _sending = true;
        try
        {
            while (!rest.IsEmpty)
            {
                rest = rest[await _socket.SendAsync(rest, SocketFlags.None, cancellationToken)..];
            }

            return Open;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return await Broken();
        }
        finally
        {
            _sending = false;
        }
    }

    /// <summary>The client is gone or the connection was aborted: the response is over.</summary>
    private ValueTask<FlushResult> Broken()
    {
        _broken = true;
        return new ValueTask<FlushResult>(Over);
    }
}
