using System.Buffers;
using System.IO.Pipelines;
using Beacon.Infrastructure.Realtime.Sse.Handover;

namespace Beacon.UnitTests.Realtime;

/// <summary>
/// The transport Kestrel's HTTP layer sees under a stream that takes its connection over: the connection's own until the
/// hand-over, then one that swallows the HTTP layer's last writes and reports the connection finished to its next read,
/// without closing the real pipes under the stream.
/// </summary>
public sealed class HandoverPipeTests
{
    private readonly Pipe _input = new();
    private readonly Pipe _output = new();
    private readonly HandoverPipe _pipe;

    public HandoverPipeTests() => _pipe = new HandoverPipe(new Duplex(_input.Reader, _output.Writer));

    [Fact]
    public async Task Before_the_hand_over_it_passes_reads_and_writes_through()
    {
        await _input.Writer.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        var read = await _pipe.Input.ReadAsync();
        read.Buffer.Length.ShouldBe(18);
        _pipe.Input.AdvanceTo(read.Buffer.End);

        await _pipe.Output.WriteAsync("HTTP/1.1 200 OK\r\n"u8.ToArray());
        _output.Reader.TryRead(out var written).ShouldBeTrue();
        written.Buffer.Length.ShouldBe(17);
    }

    [Fact]
    public async Task After_the_hand_over_the_http_layers_writes_go_nowhere_and_its_flush_does_not_say_the_client_left()
    {
        _pipe.Detach();

        var flush = await _pipe.Output.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        _pipe.Output.Complete();

        // A completed flush is how the HTTP layer learns the client went away, and it then aborts the connection.
        flush.IsCompleted.ShouldBeFalse();
        _output.Reader.TryRead(out _).ShouldBeFalse("nothing reached the socket's pipe, and it is not completed");
    }

    [Fact]
    public async Task After_the_hand_over_the_http_layers_next_read_finds_the_connection_finished_and_the_socket_pipe_stays_open()
    {
        await _input.Writer.WriteAsync("more"u8.ToArray());
        _pipe.Detach();

        var read = await _pipe.Input.ReadAsync();
        read.IsCompleted.ShouldBeTrue();
        read.Buffer.IsEmpty.ShouldBeTrue();
        _pipe.Input.AdvanceTo(read.Buffer.End);
        _pipe.Input.Complete();

        // The stream still learns of the client's leaving through the socket's input: it was neither read nor completed.
        var flush = await _input.Writer.FlushAsync();
        flush.IsCompleted.ShouldBeFalse("the socket's input was completed by the ended HTTP layer");
        _input.Reader.TryRead(out var unread).ShouldBeTrue();
        unread.Buffer.Length.ShouldBe(4);
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
