using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Beacon.Bench;

/// <summary>Where and how a subscriber connects.</summary>
public sealed record SubscribeTarget(IPEndPoint Server, string PathAndQuery, bool SignalR = false, string? SignalRHubPath = null);

/// <summary>
/// An SSE subscriber on a raw socket: HTTP/1.1 request, chunked decoding and SSE parsing by hand, so 10,000 of them fit
/// in one process on a shared 2-core machine. Reconnects with Last-Event-ID when the stream ends unexpectedly. In SignalR
/// mode it negotiates, sends the handshake, and splits the 0x1e-separated records that SignalR batches into one data: line.
/// </summary>
public sealed class RawSseSubscriber : Subscriber
{
    private readonly SubscribeTarget _target;
    private readonly IPAddress _source;
    private readonly Recorder _recorder;
    private readonly PublishLog _log;
    private readonly HttpClient _http;
    private readonly RunOptions _options;

    /// <summary>A desktop Chromium's same-origin EventSource request headers beyond Host, Accept and Cache-Control (<c>--browser-headers</c>).</summary>
    private const string BrowserHeaders =
        "Connection: keep-alive\r\n" +
        "sec-ch-ua-platform: \"Linux\"\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36\r\n" +
        "sec-ch-ua: \"Chromium\";v=\"142\", \"Not_A Brand\";v=\"99\"\r\n" +
        "sec-ch-ua-mobile: ?0\r\n" +
        "Sec-Fetch-Site: same-origin\r\n" +
        "Sec-Fetch-Mode: cors\r\n" +
        "Sec-Fetch-Dest: empty\r\n" +
        "Referer: http://localhost/dashboard\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "Cookie: _ga=GA1.1.1093248121.1764720000; _ga_B2X9Q3LM7K=GS2.1.s1764720000$o1$g1$t1764720180$j60$l0$h0\r\n";
    private Socket? _socket;
    private volatile bool _stopping, _dropRequested;
    private TaskCompletionSource? _paused;
    private Task? _loop;

    // Receive and parse state.
    private readonly byte[] _buffer;
    private byte[] _line = new byte[256];
    private int _lineLength;
    private byte[] _data = new byte[512];
    private int _dataLength;
    private bool _hasData;
    private readonly byte[] _event = new byte[64];
    private int _eventLength;
    private readonly byte[] _id = new byte[128];
    private int _idLength;
    private bool _idThisEvent;
    private bool _headersDone, _chunked;
    private int _chunkState; // 0 size line, 1 data, 2 CRLF after data, 3 done
    private long _chunkSize, _chunkRemaining;
    private bool _chunkExtension;
    private long _connectStart;

    public RawSseSubscriber(int index, int userIndex, SubscribeTarget target, IPAddress source, Recorder recorder, PublishLog log, HttpClient http, RunOptions options)
    {
        Index = index;
        UserIndex = userIndex;
        _target = target;
        _source = source;
        _recorder = recorder;
        _log = log;
        _http = http;
        _options = options;
        _buffer = new byte[options.ReceiveBufferBytes];
    }

    public override Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(() => RunAsync(ct), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!_stopping && !ct.IsCancellationRequested && failures < _options.MaxReconnects)
        {
            var wasReady = false;
            try
            {
                wasReady = await ConnectAndReadAsync(ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // connection refused/reset: handled below
            }
            catch (OperationCanceledException)
            {
                break;
            }
            finally
            {
                Ready = false;
                try { _socket?.Dispose(); } catch (ObjectDisposedException) { }
            }
            if (_stopping || ct.IsCancellationRequested) break;
            if (_dropRequested)
            {
                _dropRequested = false; // an intended drop (reconnect storm): resume at once
                continue;
            }
            if (wasReady)
            {
                Drops++;
                Interlocked.Increment(ref _recorder.Drops);
            }
            else
            {
                Interlocked.Increment(ref _recorder.ConnectFailures);
            }
            failures++;
            await Task.Delay(_options.ReconnectDelayMs + Random.Shared.Next(_options.ReconnectDelayMs + 1), ct).ConfigureAwait(false);
        }
    }

    /// <summary>One stream, from connect to close. Returns whether it got as far as a ready stream.</summary>
    private async Task<bool> ConnectAndReadAsync(CancellationToken ct)
    {
        ResetParser();
        _connectStart = Stopwatch.GetTimestamp();
        var path = _target.PathAndQuery;
        string? token = null;
        if (_target.SignalR)
        {
            token = await NegotiateAsync(ct);
            path = $"{_target.SignalRHubPath}?id={Uri.EscapeDataString(token)}&userId=u{UserIndex}";
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket = socket;
        // IP_BIND_ADDRESS_NO_PORT: pick the port at connect time, so each source address has a full port range per server.
        socket.SetRawSocketOption(0, 24, BitConverter.GetBytes(1));
        socket.Bind(new IPEndPoint(_source, 0));
        if (Excluded && _options.SlowReceiveBufferBytes > 0) socket.ReceiveBufferSize = _options.SlowReceiveBufferBytes;
        await socket.ConnectAsync(_target.Server, ct);

        var request = new StringBuilder()
            .Append("GET ").Append(path).Append(" HTTP/1.1\r\nHost: ").Append(_target.Server).Append("\r\n")
            .Append("Accept: text/event-stream\r\nCache-Control: no-cache\r\n");
        if (_options.BrowserHeaders)
        {
            request.Append(BrowserHeaders);
        }

        if (LastIdLength > 0 && !_target.SignalR)
        {
            request.Append("Last-Event-ID: ").Append(Encoding.UTF8.GetString(LastId, 0, LastIdLength)).Append("\r\n");
        }
        request.Append("\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(request.ToString()), SocketFlags.None, ct);

        var headerBuffer = new byte[8192];
        var headerLength = 0;
        while (!_headersDone)
        {
            var n = await socket.ReceiveAsync(headerBuffer.AsMemory(headerLength), SocketFlags.None, ct);
            if (n == 0) return false;
            headerLength += n;
            var end = headerBuffer.AsSpan(0, headerLength).IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                if (headerLength == headerBuffer.Length) return false;
                continue;
            }
            var head = Encoding.ASCII.GetString(headerBuffer, 0, end);
            if (!head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)) return false;
            _chunked = head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
            _headersDone = true;
            if (_target.SignalR)
            {
                using var handshake = new StringContent("{\"protocol\":\"json\",\"version\":1}\u001e");
                using var response = await _http.PostAsync($"http://{_target.Server}{_target.SignalRHubPath}?id={Uri.EscapeDataString(token!)}&userId=u{UserIndex}", handshake, ct);
                if (!response.IsSuccessStatusCode) return false;
            }
            MarkReady();
            var rest = headerLength - end - 4;
            if (rest > 0) FeedBody(headerBuffer.AsSpan(end + 4, rest), Stopwatch.GetTimestamp());
        }

        while (!_stopping)
        {
            var paused = _paused;
            if (paused is not null) await paused.Task.WaitAsync(ct);
            var n = await socket.ReceiveAsync(_buffer, SocketFlags.None, ct);
            if (n == 0) break;
            FeedBody(_buffer.AsSpan(0, n), Stopwatch.GetTimestamp());
            if (_chunkState == 3) break;
        }
        return true;
    }

    private async Task<string> NegotiateAsync(CancellationToken ct)
    {
        using var response = await _http.PostAsync($"http://{_target.Server}{_target.SignalRHubPath}/negotiate?negotiateVersion=1&userId=u{UserIndex}", null, ct);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return doc.RootElement.GetProperty("connectionToken").GetString()!;
    }

    private void MarkReady()
    {
        var now = Stopwatch.GetTimestamp();
        _recorder.ConnectTime.RecordTicks(now - _connectStart);
        Interlocked.Increment(ref _recorder.Connects);
        ConnectedAt = now;
        Ready = true;
    }

    private void ResetParser()
    {
        _headersDone = _chunked = _hasData = _idThisEvent = _chunkExtension = false;
        _lineLength = _dataLength = _eventLength = _idLength = 0;
        _chunkState = 0;
        _chunkSize = _chunkRemaining = 0;
    }

    private void FeedBody(ReadOnlySpan<byte> data, long now)
    {
        if (!_chunked)
        {
            FeedSse(data, now);
            return;
        }
        while (data.Length > 0)
        {
            switch (_chunkState)
            {
                case 0:
                {
                    var i = data.IndexOf((byte)'\n');
                    var part = i < 0 ? data : data[..i];
                    foreach (var b in part)
                    {
                        if (_chunkExtension) continue;
                        var hex = HexValue(b);
                        if (hex >= 0) _chunkSize = _chunkSize * 16 + hex;
                        else if (b == ';') _chunkExtension = true;
                    }
                    if (i < 0) return;
                    data = data[(i + 1)..];
                    _chunkExtension = false;
                    if (_chunkSize == 0)
                    {
                        _chunkState = 3;
                        return;
                    }
                    _chunkRemaining = _chunkSize;
                    _chunkSize = 0;
                    _chunkState = 1;
                    break;
                }
                case 1:
                {
                    var take = (int)Math.Min(_chunkRemaining, data.Length);
                    FeedSse(data[..take], now);
                    data = data[take..];
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0) _chunkState = 2;
                    break;
                }
                case 2:
                {
                    var i = data.IndexOf((byte)'\n');
                    if (i < 0) return;
                    data = data[(i + 1)..];
                    _chunkState = 0;
                    break;
                }
                default:
                    return;
            }
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private void FeedSse(ReadOnlySpan<byte> data, long now)
    {
        while (data.Length > 0)
        {
            var i = data.IndexOf((byte)'\n');
            if (i < 0)
            {
                Append(ref _line, ref _lineLength, data);
                return;
            }
            ReadOnlySpan<byte> line;
            if (_lineLength == 0)
            {
                line = data[..i];
            }
            else
            {
                Append(ref _line, ref _lineLength, data[..i]);
                line = _line.AsSpan(0, _lineLength);
            }
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            ProcessLine(line, now);
            _lineLength = 0;
            data = data[(i + 1)..];
        }
    }

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes.Length));
        }
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    private void ProcessLine(ReadOnlySpan<byte> line, long now)
    {
        if (line.IsEmpty)
        {
            Dispatch(now);
            return;
        }
        if (line[0] == ':') return;
        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? ReadOnlySpan<byte>.Empty : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == ' ') value = value[1..];
        if (field.SequenceEqual("data"u8))
        {
            if (_hasData) Append(ref _data, ref _dataLength, "\n"u8);
            Append(ref _data, ref _dataLength, value);
            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventLength = Math.Min(value.Length, _event.Length);
            value[.._eventLength].CopyTo(_event);
        }
        else if (field.SequenceEqual("id"u8))
        {
            _idLength = Math.Min(value.Length, _id.Length);
            value[.._idLength].CopyTo(_id);
            _idThisEvent = true;
        }
    }

    private void Dispatch(long now)
    {
        if (!_hasData)
        {
            _eventLength = 0;
            _idThisEvent = false;
            return;
        }
        var type = _event.AsSpan(0, _eventLength);
        var data = _data.AsSpan(0, _dataLength);
        if (type.SequenceEqual("ping"u8))
        {
            Interlocked.Increment(ref _recorder.Pings);
        }
        else if (type.SequenceEqual("connected"u8))
        {
            // Beacon's and the hand-written app's first event: nothing to measure beyond connect time.
        }
        else if (_target.SignalR)
        {
            while (!data.IsEmpty)
            {
                var end = data.IndexOf((byte)0x1e);
                var record = end < 0 ? data : data[..end];
                if (record.IndexOf("\"type\":1,"u8) >= 0 && PayloadScanner.TryRead(record, out var seq, out var ticks))
                {
                    _recorder.OnEvent(this, seq, ticks, now, default, _log);
                }
                else if (record.IndexOf("\"type\":6"u8) >= 0)
                {
                    Interlocked.Increment(ref _recorder.Pings);
                }
                data = end < 0 ? default : data[(end + 1)..];
            }
        }
        else if (PayloadScanner.TryRead(data, out var seq, out var ticks))
        {
            var id = _idThisEvent ? _id.AsSpan(0, _idLength) : default;
            _recorder.OnEvent(this, seq, ticks, now, id, _log);
            if (_idThisEvent)
            {
                id.CopyTo(LastId);
                LastIdLength = id.Length;
            }
        }
        _hasData = false;
        _dataLength = 0;
        _eventLength = 0;
        _idThisEvent = false;
    }

    /// <summary>Drops the connection abruptly (RST); the subscriber reconnects at once with Last-Event-ID.</summary>
    public void Drop()
    {
        _dropRequested = true;
        AbortSocket();
    }

    private void AbortSocket()
    {
        var socket = _socket;
        if (socket is null) return;
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    public override void Close(bool abort)
    {
        _stopping = true;
        _paused?.TrySetResult();
        if (abort)
        {
            AbortSocket();
        }
        else
        {
            try { _socket?.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            try { _socket?.Close(); } catch (Exception) { }
        }
    }

    public Task Completion => _loop ?? Task.CompletedTask;

    public override void Pause()
    {
        _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try { if (_socket is not null && _options.SlowReceiveBufferBytes > 0) _socket.ReceiveBufferSize = _options.SlowReceiveBufferBytes; }
        catch (Exception) { }
    }

    public override void Resume()
    {
        var paused = _paused;
        _paused = null;
        paused?.TrySetResult();
    }
}
