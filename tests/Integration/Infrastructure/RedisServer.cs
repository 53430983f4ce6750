using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, with its data under a temp folder. Persists with
/// an fsync-always append-only file, so <see cref="StopAsync"/> + <see cref="StartAsync"/> is a Redis
/// outage that loses nothing that was acknowledged — the fault the scale-out tests exercise.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("beacon-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var binary = FindBinary();
        _process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList =
            {
                "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var ready = await Eventually.TrueAsync(async () => await PingAsync(), TimeSpan.FromSeconds(15));
        ready.ShouldBeTrue($"redis-server did not answer PING on port {Port}.");
    }

    /// <summary>Stops the server abruptly (SIGKILL): an outage, not a shutdown.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>A copy of the data as it is now (the append-only file is fsynced on every write), for <see cref="RestoreAsync"/>.</summary>
    public string Snapshot()
    {
        var copy = Directory.CreateTempSubdirectory("beacon-redis-snapshot-").FullName;
        CopyDirectory(_directory, copy);
        return copy;
    }

    /// <summary>Kills the server and starts it again on <paramref name="snapshot"/>'s data: Redis restored from an older backup.</summary>
    public async Task RestoreAsync(string snapshot)
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
        CopyDirectory(snapshot, _directory);
        await StartAsync();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string FindBinary()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed. Run ./build.sh test (it installs it), or apt-get install redis-server.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
