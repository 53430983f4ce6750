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
app.Run();

/// <summary>The entry point; public so integration tests can host the app.</summary>
public partial class Program;
