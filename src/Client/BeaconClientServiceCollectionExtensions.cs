using System.Net;
using Beacon.Client;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="BeaconPublisher"/>.</summary>
public static class BeaconClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BeaconPublisher"/> as a typed <see cref="HttpClient"/> with the standard resilience pipeline
    /// (retries with backoff and jitter honouring <c>Retry-After</c>, attempt and total timeouts, a circuit breaker).
    /// POST is retried on purpose: each publish has its own <c>Idempotency-Key</c>, so a retry never publishes twice.
    /// A 409 (an earlier attempt with the key still running) is retried too.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the base address and the token provider.</param>
    /// <param name="configureResilience">Adjusts the pipeline (attempts, delays, timeouts); optional.</param>
    /// <returns>The client's builder, for more handlers.</returns>
    public static IHttpClientBuilder AddBeaconPublisher(this IServiceCollection services, Action<BeaconPublisherOptions> configure, Action<HttpStandardResilienceOptions>? configureResilience = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BeaconPublisherOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "BeaconPublisherOptions.BaseAddress must be an absolute URI.")
            .Validate(o => o.TokenProvider is not null, "BeaconPublisherOptions.TokenProvider is required: publishing needs a publisher's token.");

        var builder = services.AddHttpClient<BeaconPublisher>((sp, http) =>
        {
            var address = sp.GetRequiredService<IOptions<BeaconPublisherOptions>>().Value.BaseAddress!;
            http.BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        });
        builder.AddStandardResilienceHandler(o =>
        {
            var transient = o.Retry.ShouldHandle;
            o.Retry.ShouldHandle = args => args.Outcome.Result?.StatusCode == HttpStatusCode.Conflict ? PredicateResult.True() : transient(args);
            configureResilience?.Invoke(o);
        });

        // Inside the retries: each attempt asks for the current token.
        builder.AddHttpMessageHandler(sp => new BearerTokenHandler(sp.GetRequiredService<IOptions<BeaconPublisherOptions>>().Value.TokenProvider!));
        return builder;
    }
}
