using Beacon.Application;
using Beacon.Infrastructure;
using Beacon.Web;
using Beacon.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddBeaconErrorReporting();

builder.Services.AddApplicationServices();
builder.Services.AddInfrastructureServices(builder.Configuration, builder.Environment);
builder.Services.AddWebServices(builder.Configuration, builder.Environment);

var app = builder.Build();
app.UseBeacon();

// Taken before the host runs: once it has failed, its services are disposed, and asking them for a logger then would
// replace the failure with an ObjectDisposedException.
var startupLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Beacon.Startup");
try
{
    app.Run();
}
catch (Exception exception) when (exception is not HostAbortedException)
{
    // ASP.NET Core would log this under Microsoft.AspNetCore.Hosting.Diagnostics, which is off (RequestLogging).
    startupLog.LogCritical(exception, "Beacon stopped: {Message}", exception.Message);
    throw;
}

/// <summary>The entry point; public so integration tests can host the app.</summary>
public partial class Program;
