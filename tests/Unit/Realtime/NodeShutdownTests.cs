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
    public void Stopping_ends_every_registered_connection_after_a_jittered_retry_hint()
    {
        var connections = Enumerable.Range(0, 3).Select(_ => Add(TestConnections.Create())).ToArray();
        _shutdown.IsStopping.ShouldBeFalse();

        _stopping.Cancel();

        _shutdown.IsStopping.ShouldBeTrue();
        foreach (var connection in connections)
        {
            connection.CloseReason.ShouldBe(CloseReason.Shutdown);
            connection.Queue.TryRead(out var hint).ShouldBeTrue("the retry hint is queued before the queue completes");
            var text = Encoding.UTF8.GetString(hint!.Frame.Span);
            text.ShouldStartWith("retry: ");
            int.Parse(text["retry: ".Length..].TrimEnd('\n')).ShouldBeInRange(500, 5000);
            connection.Queue.Completion.IsCompleted.ShouldBeTrue();
        }
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
        _registry.TryAdd(connection, 100).ShouldBeTrue();
        return connection;
    }
}
