using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Jobs;

/// <summary>An embedded host that keeps every log line at Information and above, so tests can search them (for tokens).</summary>
public sealed class JobsHost() : BeaconHost(("Logging:LogLevel:Default", "Information"), ("Logging:LogLevel:Microsoft.AspNetCore", "Information"))
{
    private readonly CapturedLogs _logs = new(LogLevel.Information);

    /// <summary>Every line logged so far: category, message and the values of its structured fields.</summary>
    public IReadOnlyCollection<string> LogLines => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}
