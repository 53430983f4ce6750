using System.Diagnostics;
using Npgsql;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// A real PostgreSQL server on a free loopback port: <c>initdb</c> into a temp folder, <c>pg_ctl start</c>,
/// and stop + delete on dispose. PostgreSQL refuses to run as root (CI runs as root), so then the server
/// runs as the <c>postgres</c> user (<c>runuser</c>) with its folder handed over to it.
/// One server serves the whole test run (<see cref="SharedAsync"/>); each host class gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The test process that started a server, in its folder: a folder whose process is gone is an orphan.</summary>
    private const string OwnerFile = "owner.pid";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync);

    private readonly string _root = Directory.CreateTempSubdirectory("beacon-pg-").FullName;
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private int _databases;

    private PostgresServer(int port, string bin, bool asPostgresUser)
    {
        Port = port;
        _bin = bin;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "socket");

    /// <summary>The server shared by every test class of this run; stopped when the test process exits.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    /// <summary>Starts a server of its own (for tests that stop it).</summary>
    public static async Task<PostgresServer> StartNewAsync()
    {
        var server = new PostgresServer(RedisServer.FreePort(), FindBinaries(), Environment.IsPrivilegedProcess);
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            Timeout = 15,
            CommandTimeout = 30,
        }.ConnectionString;

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "beacon")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task StartAsync()
    {
        Directory.CreateDirectory(SocketDirectory);
        await File.WriteAllTextAsync(Path.Combine(_root, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            Directory.CreateDirectory(DataDirectory);
            if (_asPostgresUser)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", _root]);
            }

            await RunPostgresToolAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
        }

        // fsync off: a test database need not survive a power cut, and it makes every commit much cheaper.
        await RunPostgresToolAsync("pg_ctl", [
            "start", "-w", "-t", "60", "-D", DataDirectory, "-l", Path.Combine(_root, "postgres.log"),
            "-o", $"-p {Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        ]);

        var ready = await Eventually.TrueAsync(CanConnectAsync, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        ready.ShouldBeTrue($"PostgreSQL did not accept connections on port {Port}. Log:{Environment.NewLine}{ReadLog()}");
    }

    /// <summary>Stops the server at once (connections are cut): an outage.</summary>
    public async Task StopAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunPostgresToolAsync("pg_ctl", ["stop", "-w", "-t", "30", "-m", "immediate", "-D", DataDirectory]);
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>
    /// Freezes the server (SIGSTOP to the postmaster): its port stays open, so the kernel accepts new connections
    /// but nothing answers them, as with a hung host or a stalled disk. A client waits out its own connect timeout.
    /// Pooled connections are dropped, so the next query needs a new one.
    /// </summary>
    public async Task FreezeAsync()
    {
        await RunAsync("kill", ["-STOP", PostmasterId()]);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Lets a <see cref="FreezeAsync">frozen</see> server run again.</summary>
    public Task ThawAsync() => RunAsync("kill", ["-CONT", PostmasterId()]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped, or never started: nothing to stop.
        }

        await DeleteFolderAsync(_root);
    }

    /// <summary>The postmaster's process id: the first line of its pid file.</summary>
    private string PostmasterId() => File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First().Trim();

    private static async Task<PostgresServer> StartSharedAsync()
    {
        await StopOrphansAsync(FindBinaries(), Environment.IsPrivilegedProcess);
        var server = await StartNewAsync();

        // xUnit 2 has no assembly-level fixture: stop the shared server when the test process ends. The test host is
        // killed if it takes longer than VSTEST_TESTHOST_SHUTDOWN_TIMEOUT (100 ms unless set; build.cake sets it), and
        // then the server outlives the run: the next run's StopOrphansAsync stops it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    /// <summary>
    /// Stops and deletes the servers of earlier test runs whose process is gone (killed before its exit handler
    /// finished), so that a run never leaves a PostgreSQL running for good. Servers of runs still going are left alone.
    /// </summary>
    private static async Task StopOrphansAsync(string bin, bool asPostgresUser)
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), "beacon-pg-*"))
        {
            if (!int.TryParse(ReadOrNull(Path.Combine(root, OwnerFile)), out var owner) || IsRunning(owner))
            {
                continue;
            }

            var data = Path.Combine(root, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try
                {
                    await RunToolAsync(bin, asPostgresUser, "pg_ctl", ["stop", "-w", "-t", "30", "-m", "immediate", "-D", data]);
                }
                catch (InvalidOperationException)
                {
                    // Stopped already (a stale pid file): the folder goes all the same.
                }
            }

            await DeleteFolderAsync(root);
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Deletes a server's folder; a server that has just stopped may still be removing its own files.</summary>
    private static async Task DeleteFolderAsync(string root)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(root, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    private async Task<bool> CanConnectAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private Task RunPostgresToolAsync(string tool, string[] arguments) => RunToolAsync(_bin, _asPostgresUser, tool, arguments);

    private static Task RunToolAsync(string bin, bool asPostgresUser, string tool, string[] arguments)
    {
        var path = Path.Combine(bin, tool);
        return asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{await output}{await error}");
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_root, "postgres.log"));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static string FindBinaries()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Run ./build.sh test (it installs it), or apt-get install postgresql.");
    }
}
