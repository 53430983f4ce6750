using System.Text.Json;
using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Control;

/// <summary>
/// Disconnects across nodes: the node asked ends its own streams and tells the others on <see cref="RedisKeys.ControlChannel"/>.
/// Pub/sub delivers at most once, so a node cut off from Redis at that moment keeps its streams; the count returned comes
/// from the cluster's registrations (<see cref="Cluster.RedisCluster"/>), which trail a connect by a moment.
/// </summary>
internal sealed partial class RedisConnectionControl(
    IConnectionMultiplexer redis,
    ConnectionRegistry registry,
    NodeIdentity node,
    RealtimeCounters counters,
    ILogger<RedisConnectionControl> logger) : BackgroundService, IConnectionControl
{
    private const string UserOp = "user";
    private const string ClientOp = "client";
    private static readonly RedisChannel Channel = RedisChannel.Literal(RedisKeys.ControlChannel);
    private volatile bool _subscribed;

    public async ValueTask<int> DisconnectUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        int elsewhere;
        try
        {
            var members = await redis.GetDatabase().SetMembersAsync(RedisKeys.UserPresence(userId));
            elsewhere = members.Count(m => !((string)m!).StartsWith(node.NodeId + "/", StringComparison.Ordinal));

            // Told even when the registrations show none elsewhere: they trail a connect by a moment.
            await TellOthersAsync(UserOp, userId);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("disconnect");
            throw RedisFailures.Unavailable("The other nodes could not be told to disconnect the user", ex);
        }

        return registry.CloseUser(userId, CloseReason.Disconnected) + elsewhere;
    }

    public async ValueTask<bool> DisconnectClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (LocalConnectionControl.CloseLocal(registry, clientId))
        {
            return true;
        }

        try
        {
            var db = redis.GetDatabase();
            foreach (var nodeId in (await db.SetMembersAsync(RedisKeys.Nodes)).Select(v => (string)v!))
            {
                if (nodeId != node.NodeId && await db.HashExistsAsync(RedisKeys.NodeConnections(nodeId), clientId))
                {
                    await TellOthersAsync(ClientOp, clientId);
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            counters.RedisError("disconnect");
            throw RedisFailures.Unavailable("The node holding the client could not be asked to disconnect it", ex);
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Once subscribed, the multiplexer restores the subscription after every reconnect by itself.
        try
        {
            while (!_subscribed)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                await TrySubscribeAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Task TellOthersAsync(string op, string target) =>
        redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(new ControlMessage(op, node.NodeId, target)));

    private async Task TrySubscribeAsync()
    {
        try
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
            queue.OnMessage(message => Handle(message.Message));
            _subscribed = true;
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            LogSubscribeFailed(logger, ex);
        }
    }

    private void Handle(RedisValue payload)
    {
        ControlMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ControlMessage>((string)payload!);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || message.From == node.NodeId || message.Target is null)
        {
            return; // the sender ended its own streams already
        }

        var ended = message.Op switch
        {
            UserOp => registry.CloseUser(message.Target, CloseReason.Disconnected),
            ClientOp => LocalConnectionControl.CloseLocal(registry, message.Target) ? 1 : 0,
            _ => 0,
        };
        if (ended > 0)
        {
            LogEnded(logger, ended, message.From);
        }
    }

    private sealed record ControlMessage(string Op, string From, string? Target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} stream(s) on request of node {Node}")]
    private static partial void LogEnded(ILogger logger, int count, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to the disconnect channel; will retry")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
