using System.Text;
using Beacon.Infrastructure.Realtime.Hub;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace Beacon.UnitTests.Realtime;

public sealed class NodeShutdownTests
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConnectionRegistry _registry = new();
    private readonly NodeShutdown _shutdown;

    public NodeShutdownTests()
    {
        var lifetime = Substitute.For<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Returns(_stopping.Token);
        _shutdown = new NodeShutdown(_registry, lifetime);
    }

    [Fact]
    public void Stopping_ends_every_registered_connection_after_a_shutdown_event_and_a_retry_hint_with_one_jittered_delay()
    {
        var connections = Enumerable.Range(0, 3).Select(_ => Add(TestConnections.Create())).ToArray();
        _shutdown.IsStopping.ShouldBeFalse();

        _stopping.Cancel();

        _shutdown.IsStopping.ShouldBeTrue();
        foreach (var connection in connections)
        {
            connection.CloseReason.ShouldBe(CloseReason.Shutdown);
            connection.Queue.TryRead(out var shutdown).ShouldBeTrue("the shutdown event is queued before the queue completes");
            var frame = Encoding.UTF8.GetString(shutdown!.Frame.Span);
            frame.ShouldStartWith("event: shutdown\ndata: {\"retryMs\":");
            frame.ShouldEndWith("}\n\n");
            shutdown.Id.ShouldBeNull("a control frame must not move the client's resume point");
            var retryMs = int.Parse(frame["event: shutdown\ndata: {\"retryMs\":".Length..^"}\n\n".Length]);
            retryMs.ShouldBeInRange(500, 5000);

            connection.Queue.TryRead(out var hint).ShouldBeTrue("the retry hint follows, last, for a plain EventSource");
            Encoding.UTF8.GetString(hint!.Frame.Span).ShouldBe($"retry: {retryMs}\n\n");
            connection.Queue.Completion.IsCompleted.ShouldBeTrue();
        }
    }

    [Fact]
    public void The_delays_of_a_stopping_node_are_spread_over_the_window()
    {
        var connections = Enumerable.Range(0, 200).Select(_ => Add(TestConnections.Create())).ToArray();

        _stopping.Cancel();

        var delays = connections.Select(c =>
        {
            c.Queue.TryRead(out _).ShouldBeTrue();
            c.Queue.TryRead(out var hint).ShouldBeTrue();
            return int.Parse(Encoding.UTF8.GetString(hint!.Frame.Span)["retry: ".Length..].TrimEnd('\n'));
        }).ToArray();
        delays.ShouldAllBe(d => d >= 500 && d <= 5000);
        delays.Distinct().Count().ShouldBeGreaterThan(100, "one delay for everyone would be a storm at one instant");
        delays.Count(d => d < 2750).ShouldBeInRange(50, 150, "spread over the whole window, not bunched at one end");
    }

    [Fact]
    public void A_connection_added_after_the_node_wide_close_is_closed_by_its_own_check()
    {
        _stopping.Cancel();
        var late = Add(TestConnections.Create());

        _shutdown.CloseIfStopping(late).ShouldBeTrue();

        late.CloseReason.ShouldBe(CloseReason.Shutdown);
    }

    [Fact]
    public void Before_stopping_the_check_leaves_a_connection_open()
    {
        var connection = Add(TestConnections.Create());

        _shutdown.CloseIfStopping(connection).ShouldBeFalse();

        connection.CloseReason.ShouldBe(CloseReason.None);
        connection.Queue.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void After_disposal_stopping_closes_nothing()
    {
        var connection = Add(TestConnections.Create());
        _shutdown.Dispose();

        _stopping.Cancel();

        connection.CloseReason.ShouldBe(CloseReason.None);
    }

    private SseConnection Add(SseConnection connection)
    {
        _registry.TryAdd(connection, 1000).ShouldBeTrue();
        return connection;
    }
}
