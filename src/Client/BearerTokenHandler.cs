using System.Net.Http.Headers;

namespace Beacon.Client;

/// <summary>Puts the current token on every attempt (inside the retries, so a retry after a refresh sends the new token).</summary>
internal sealed class BearerTokenHandler(Func<CancellationToken, ValueTask<string>> tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
