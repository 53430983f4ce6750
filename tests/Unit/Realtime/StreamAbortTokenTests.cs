using Beacon.Infrastructure.Realtime.Sse;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Beacon.UnitTests.Realtime;

public sealed class StreamAbortTokenTests
{
    [Fact]
    public void An_http11_stream_is_aborted_by_its_connection_closing()
    {
        using var closed = new CancellationTokenSource();
        var context = Context("HTTP/1.1", closed.Token);

        StreamAbortToken.UseConnectionClose(context);

        context.RequestAborted.ShouldBe(closed.Token);
        closed.Cancel();
        context.RequestAborted.IsCancellationRequested.ShouldBeTrue();
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/3")]
    public void A_multiplexed_stream_keeps_the_requests_own_token(string protocol)
    {
        using var closed = new CancellationTokenSource();
        using var request = new CancellationTokenSource();
        var context = Context(protocol, closed.Token);
        context.RequestAborted = request.Token;

        StreamAbortToken.UseConnectionClose(context);

        context.RequestAborted.ShouldBe(request.Token, "one HTTP/2 stream ending must not look like its whole connection closing, nor the reverse");
    }

    [Fact]
    public void A_host_without_a_connection_lifetime_keeps_the_requests_own_token()
    {
        using var request = new CancellationTokenSource();
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/1.1";
        context.RequestAborted = request.Token;

        StreamAbortToken.UseConnectionClose(context);

        context.RequestAborted.ShouldBe(request.Token);
    }

    private static DefaultHttpContext Context(string protocol, CancellationToken connectionClosed)
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = protocol;
        context.Features.Set<IConnectionLifetimeFeature>(new Lifetime { ConnectionClosed = connectionClosed });
        return context;
    }

    private sealed class Lifetime : IConnectionLifetimeFeature
    {
        public CancellationToken ConnectionClosed { get; set; }

        public void Abort()
        {
        }
    }
}
