using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Beacon.Bench;

/// <summary>A subscriber driven by the official SignalR .NET client over its SSE transport.</summary>
public sealed class SignalRClientSubscriber : Subscriber
{
    private readonly HubConnection _connection;
    private readonly Recorder _recorder;
    private volatile bool _stopping;

    public SignalRClientSubscriber(int index, int userIndex, string hubUrl, IPAddress source, Recorder recorder, PublishLog log)
    {
        Index = index;
        UserIndex = userIndex;
        _recorder = recorder;
        _connection = new HubConnectionBuilder()
            .WithUrl($"{hubUrl}?userId=u{userIndex}", HttpTransportType.ServerSentEvents, o =>
            {
                o.HttpMessageHandlerFactory = _ => new SocketsHttpHandler
                {
                    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                    ConnectCallback = async (context, ct) =>
                    {
                        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        socket.SetRawSocketOption(0, 24, BitConverter.GetBytes(1)); // IP_BIND_ADDRESS_NO_PORT
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    },
                };
            })
            .Build();
        _connection.ServerTimeout = TimeSpan.FromMinutes(5);
        _connection.On<BenchPayload>("e", payload =>
        {
            _recorder.OnEvent(this, payload.S, payload.T, Stopwatch.GetTimestamp(), default, log);
        });
        _connection.Closed += _ =>
        {
            Ready = false;
            if (!_stopping)
            {
                Drops++;
                Interlocked.Increment(ref _recorder.Drops);
            }
            return Task.CompletedTask;
        };
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await _connection.StartAsync(ct);
            _recorder.ConnectTime.RecordTicks(Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _recorder.Connects);
            ConnectedAt = Stopwatch.GetTimestamp();
            Ready = true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _recorder.ConnectFailures);
        }
    }

    public override void Close(bool abort)
    {
        _stopping = true;
        _ = _connection.DisposeAsync().AsTask();
    }

    public override void Pause() => throw new NotSupportedException("the official client cannot stop reading");
    public override void Resume() { }
}

/// <summary>The bench payload as the SignalR client deserialises it.</summary>
public sealed record BenchPayload(long S, long T, string? P);
