using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Realtime;

/// <summary>
/// Tells the operator, once at start-up, that <see cref="RealtimeOptions.AllowAnonymous"/> is on outside Development:
/// it is meant for development and demos, and wherever user events are private it hands every user's stream to whoever
/// asks for it by id. It is a warning rather than a refusal: a public demo may turn it on knowingly.
/// </summary>
internal sealed partial class AnonymousModeWarning(IOptions<RealtimeOptions> options, IHostEnvironment environment, ILogger<AnonymousModeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AllowAnonymous == true && !environment.IsDevelopment())
        {
            LogAnonymousModeOn(logger, environment.EnvironmentName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime:AllowAnonymous is on in the {Environment} environment: a client without a token may claim any user id with ?userId=, so anyone can read any user's events. Turn it off unless every event here is public.")]
    private static partial void LogAnonymousModeOn(ILogger logger, string environment);
}
