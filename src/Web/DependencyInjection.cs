using Beacon.Application.Common.Interfaces;
using Beacon.Web.Endpoints;
using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;

namespace Beacon.Web;

/// <summary>Registers and wires the web layer.</summary>
public static class DependencyInjection
{
    /// <summary>Adds Mediator, auth, problem details and JSON settings.</summary>
    public static IServiceCollection AddWebServices(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // Scoped: the pipeline behaviours need the current caller.
        services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);

        services.AddHttpContextAccessor();
        services.AddScoped<IUser, CurrentUser>();

        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate<IHostEnvironment>(
                (auth, environment) => environment.IsDevelopment() || auth.SigningKey != AuthOptions.PublicDevelopmentKey,
                "Auth:SigningKey is the public development key from appsettings.Development.json, with which anyone can sign tokens; outside Development set a secret key of your own (32+ bytes), e.g. from `openssl rand -base64 48`.")
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<JwtBearerOptions>, JwtSetup>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.CanPublish, p => p.RequireRole(Roles.Publisher, Roles.Admin))
            .AddPolicy(Roles.IsAdmin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.IsUser, p => p.RequireRole(Roles.User, Roles.Publisher, Roles.Admin));

        services.AddBeaconTelemetry(configuration);
        services.AddBeaconCors(configuration);
        services.AddSingleton<Beacon.Web.Infrastructure.RateLimiting.StreamConnectLimiter>();
        services.AddSingleton<Beacon.Web.Infrastructure.RateLimiting.PublishLimiter>();

        // Request size and other limits from Kestrel:Limits (appsettings.json caps bodies at 1 MiB).
        // String reuse keeps a request's header values after they are cleared, for the connection's next request to
        // compare against: a stream clears its headers once read (bearer token, cookies) and must not keep them.
        // No "Server: Kestrel": it tells a scanner what to try, and streams written to their socket never had it.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
        {
            configuration.GetSection("Kestrel:Limits").Bind(o.Limits);
            o.DisableStringReuse = true;
            o.AddServerHeader = false;

            // A started SSE stream on plain HTTP/1.1 takes its connection over, and its request ends (StreamHandover).
            o.ConfigureEndpointDefaults(endpoint => endpoint.Use(Beacon.Infrastructure.Realtime.Sse.Handover.StreamHandover.Use));
        });
        services.AddBeaconSocketTransport(configuration);
        services.AddRedactedRequestLogging();
        services.AddProblemDetails();
        services.AddBeaconApiReference();
        services.AddExceptionHandler<ProblemExceptionHandler>();

        // Malformed bodies throw, so they reach the problem handler instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());

            // The web defaults read "20" as 20: a number is a JSON number here, as docs/protocol.md says of a value of
            // the wrong JSON type, so a client's mistake is named rather than guessed at.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        return services;
    }

    /// <summary>Adds the middleware and maps every endpoint.</summary>
    public static WebApplication UseBeacon(this WebApplication app)
    {
        app.UseRedactedRequestLogging();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseJsonRequestCharset();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseBeaconRateLimiting();
        app.UseJobsDashboard();

        // No UseWebSockets(): only /api/ws negotiates WebSockets, and its endpoint runs the handshake itself (Fallbacks).

        app.MapSseEndpoints();
        app.MapFallbackEndpoints();
        app.MapEventEndpoints();
        app.MapMonitorEndpoints();
        app.MapDashboardSessionEndpoint();
        app.MapAuthEndpoints();
        app.MapNotificationEndpoints();
        app.MapSystemEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapJobsEndpoints();
        app.MapMessagingEndpoints();
        app.MapBeaconTelemetry();
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Beacon.Infrastructure.DependencyInjection.ReadyTag),
        });
        app.MapBeaconApiReference();
        app.MapClientApp();
        return app;
    }
}
