using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's nginx in front of test nodes, running the repository's own <c>deploy/nginx/beacon.conf</c>: the
/// file is copied under a temp prefix with only the lines between its <c># beacon:*:begin/end</c> markers
/// replaced (upstream addresses, listen port), and included from a minimal <c>nginx.conf</c> that keeps every
/// path (pid, logs, temp files) under that prefix. Runs in the foreground (<c>daemon off</c>) so the test owns
/// the process and kills it on dispose.
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    public const string BeaconConfPath = "deploy/nginx/beacon.conf";

    private const string UpstreamMarker = "upstream-servers";
    private const string ListenMarker = "listen";

    private readonly ConcurrentQueue<string> _accessLog = new();
    private readonly string _prefix;
    private Process? _process;

    private NginxServer(string prefix, int port)
    {
        _prefix = prefix;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Access-log lines so far (the <c>beacon</c> log format, written to stdout).</summary>
    public IReadOnlyList<string> AccessLog => [.. _accessLog];

    /// <summary>The nginx binary; Debian's package puts it in /usr/sbin.</summary>
    public static string Binary
    {
        get
        {
            foreach (var candidate in new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("nginx is not installed. Run ./build.sh test (it installs it), or apt-get install nginx.");
        }
    }

    /// <summary>The upstream address lines of <c>beacon.conf</c> as shipped (the docker-compose service names).</summary>
    public static IReadOnlyList<string> ShippedUpstreamServers() =>
        Between(RepoFiles.Read(BeaconConfPath), UpstreamMarker).Select(l => l.Trim()).Where(l => l.StartsWith("server ", StringComparison.Ordinal)).ToArray();

    /// <summary>
    /// <c>beacon.conf</c> with the upstream servers replaced by <paramref name="upstreams"/> (keeping the
    /// shipped server parameters such as max_fails) and the listen directive by a loopback port.
    /// </summary>
    public static string TemplateBeaconConf(IEnumerable<Uri> upstreams, int port)
    {
        var conf = RepoFiles.Read(BeaconConfPath);
        var shipped = ShippedUpstreamServers();
        shipped.ShouldNotBeEmpty($"{BeaconConfPath} has no server lines between its {UpstreamMarker} markers.");
        var parameters = ServerLine().Match(shipped[0]) is { Success: true } m ? m.Groups["params"].Value : string.Empty;
        var servers = upstreams.Select(u => $"    server {u.Host}:{u.Port}{parameters};");
        conf = Replace(conf, UpstreamMarker, servers);
        return Replace(conf, ListenMarker, [$"    listen 127.0.0.1:{port};"]);
    }

    /// <summary>Runs <c>nginx -t</c> on the templated configuration; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> TestConfigAsync(IEnumerable<Uri> upstreams)
    {
        var prefix = Directory.CreateTempSubdirectory("beacon-nginx-t-").FullName;
        try
        {
            var conf = WriteConfig(prefix, upstreams, RedisServer.FreePort());
            var start = StartInfo(prefix, conf);
            start.ArgumentList.Insert(0, "-t");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("nginx -t did not finish within 30 s.");
            }

            return (process.ExitCode, await stdout + await stderr + ReadIfExists(Path.Combine(prefix, "error.log")));
        }
        finally
        {
            TryDelete(prefix);
        }
    }

    /// <summary>Starts nginx in front of <paramref name="upstreams"/> and waits until it accepts connections.</summary>
    public static async Task<NginxServer> StartAsync(IEnumerable<Uri> upstreams)
    {
        var server = new NginxServer(Directory.CreateTempSubdirectory("beacon-nginx-").FullName, RedisServer.FreePort());
        try
        {
            await server.RunAsync(upstreams);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>nginx's error log so far, for assertion messages.</summary>
    public string ErrorLog => ReadIfExists(Path.Combine(_prefix, "error.log"));

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // Master and worker: the worker would otherwise outlive the test holding the port.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
        TryDelete(_prefix);
    }

    private async Task RunAsync(IEnumerable<Uri> upstreams)
    {
        var conf = WriteConfig(_prefix, upstreams, Port);
        _process = Process.Start(StartInfo(_prefix, conf)) ?? throw new InvalidOperationException("nginx did not start.");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _accessLog.Enqueue(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var process = _process;
        var listening = await Eventually.TrueAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    return true;
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, Port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(15));
        process.HasExited.ShouldBeFalse($"nginx exited with {(process.HasExited ? process.ExitCode : 0)}: {ErrorLog}");
        listening.ShouldBeTrue($"nginx did not listen on {Port} within 15 s: {ErrorLog}");
    }

    /// <summary>Writes <c>beacon.conf</c> (templated) and an <c>nginx.conf</c> including it; returns the latter's path.</summary>
    private static string WriteConfig(string prefix, IEnumerable<Uri> upstreams, int port)
    {
        File.WriteAllText(Path.Combine(prefix, "beacon.conf"), TemplateBeaconConf(upstreams, port));
        var main = new StringBuilder();

        // Workers run as `nobody` when the master is root, and could not read this prefix (mode 0700): keep them root.
        if (Environment.IsPrivilegedProcess)
        {
            main.AppendLine("user root;");
        }

        main.AppendLine($$"""
            daemon off;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log info;
            events { worker_connections 1024; }
            http {
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                include {{prefix}}/beacon.conf;
            }
            """);
        var path = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(path, main.ToString());
        return path;
    }

    private static ProcessStartInfo StartInfo(string prefix, string conf) => new(Binary)
    {
        // -e: the compiled-in error log (/var/log/nginx) is opened before the configuration is read.
        ArgumentList = { "-p", prefix + "/", "-c", conf, "-e", Path.Combine(prefix, "error.log") },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };

    private static string Replace(string conf, string marker, IEnumerable<string> lines)
    {
        var (begin, end) = Markers(conf, marker);
        var afterBegin = conf.IndexOf('\n', begin) + 1;
        var endLineStart = conf.LastIndexOf('\n', end) + 1;
        return conf[..afterBegin] + string.Join('\n', lines) + "\n" + conf[endLineStart..];
    }

    private static IEnumerable<string> Between(string conf, string marker)
    {
        var (begin, end) = Markers(conf, marker);
        return conf[(conf.IndexOf('\n', begin) + 1)..conf.LastIndexOf('\n', end)].Split('\n');
    }

    private static (int Begin, int End) Markers(string conf, string marker)
    {
        var beginMarker = $"# beacon:{marker}:begin";
        var endMarker = $"# beacon:{marker}:end";
        var begin = conf.IndexOf(beginMarker, StringComparison.Ordinal);
        var end = conf.IndexOf(endMarker, StringComparison.Ordinal);
        (begin >= 0 && end > begin && conf.IndexOf(beginMarker, begin + 1, StringComparison.Ordinal) < 0)
            .ShouldBeTrue($"{BeaconConfPath} must contain '{beginMarker}' once, followed by '{endMarker}': the tests template the lines between them.");
        return (begin, end);
    }

    private static string ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"^server\s+\S+(?<params>[^;]*);")]
    private static partial Regex ServerLine();
}
