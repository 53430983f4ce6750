using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>An HTTP/1.1 request on a bare socket, and what comes back, as text.</summary>
internal sealed partial class RawHttp : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StringBuilder _received = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));
    private int _headEnd = -1;
    private int _consumed;

    private RawHttp(Socket socket) => _socket = socket;

    /// <summary>Everything after the response head.</summary>
    public string Body => _received.ToString(_headEnd, _received.Length - _headEnd);

    public static async Task<RawHttp> OpenAsync(Uri baseAddress, string pathAndQuery)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var wire = new RawHttp(socket);
        await wire.SendAsync($"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n");
        return wire;
    }

    public Task SendAsync(string text) => _socket.SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>The status line and headers, through the blank line.</summary>
    public async Task<string> ReadHeadAsync()
    {
        var head = await ReadUntilAsync("\r\n\r\n");
        _headEnd = _consumed;
        return head;
    }

    /// <summary>What arrived since the last read, up to and including the <paramref name="frames"/>-th <paramref name="marker"/>.</summary>
    public async Task<string> ReadUntilAsync(string marker, int frames = 1)
    {
        var buffer = new byte[8192];
        while (true)
        {
            var text = _received.ToString(_consumed, _received.Length - _consumed);
            var end = 0;
            for (var i = 0; i < frames && end >= 0; i++)
            {
                end = text.IndexOf(marker, end, StringComparison.Ordinal);
                end = end < 0 ? -1 : end + marker.Length;
            }

            if (end > 0)
            {
                _consumed += end;
                return text[..end];
            }

            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _deadline.Token);
            read.ShouldBeGreaterThan(0, $"the connection closed before '{marker}' after: {text}");
            Append(buffer, read);
        }
    }

    /// <summary>Reads the stream's first two frames (<c>retry:</c>, <c>connected</c>) and returns the client id.</summary>
    public async Task<string> ReadClientIdAsync()
    {
        var clientId = ClientId().Match(await ReadUntilAsync("\n\n", frames: 2)).Groups[1].Value;
        clientId.ShouldNotBeEmpty("connected carries the client id");
        return clientId;
    }

    /// <summary>What arrives until the server closes the connection.</summary>
    public async Task<string> ReadToEndAsync()
    {
        var buffer = new byte[8192];
        int read;
        while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _deadline.Token)) > 0)
        {
            Append(buffer, read);
        }

        var rest = _received.ToString(_consumed, _received.Length - _consumed);
        _consumed = _received.Length;
        return rest;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _deadline.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex("\"clientId\":\"([0-9a-f]+)\"")]
    private static partial Regex ClientId();

    private void Append(byte[] buffer, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, 0, count)];
        _decoder.GetChars(buffer, 0, count, chars, 0);
        _received.Append(chars);
    }
}
