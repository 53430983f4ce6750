using System.Diagnostics;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>
/// Beacon as a separate OS process (the Web app copied next to the tests), so a test can kill it
/// outright — a node that dies without any chance to clean up.
/// </summary>
public sealed class BeaconProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BeaconProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<BeaconProcess> StartAsync(params (string Key, string Value)[] settings)
    {
        var port = RedisServer.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Beacon.Web.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--environment=Development");
        start.ArgumentList.Add($"--contentRoot={AppContext.BaseDirectory}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");

        // As in BeaconHost: the cleanup job never fires on its own. Nodes share one definition in Redis, so a node
        // started with the default (every minute) would make every node's scheduler run it.
        start.ArgumentList.Add("--Jobs:StaleCleanupCron=0 0 31 2 *");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Beacon.Web.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var node = new BeaconProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var up = await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync("health/live")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return !process.HasExited && false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60));
        up.ShouldBeTrue("The Beacon process did not become live.");
        return node;
    }

    /// <summary>SIGKILL: no shutdown hooks run, nothing is cleaned up.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
