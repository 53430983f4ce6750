using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Sse;

/// <summary>Also listens with TLS, on a second port, with a certificate made for the test.</summary>
public sealed class TlsHost : BeaconHost
{
    public X509Certificate2 Certificate { get; } = CreateCertificate();

    public Uri TlsAddress => new(ListenAddresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));

    protected override void Listen(KestrelServerOptions options)
    {
        base.Listen(options);
        options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Exported and loaded again so that the private key is usable by the TLS stack on Linux.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}

/// <summary>
/// A TLS stream cannot be written to the socket directly (the bytes there are encrypted): it must go through Kestrel,
/// which keeps the connection for the next request. Written raw, the client would fail its TLS record parsing.
/// </summary>
public sealed class TlsStreamTests(TlsHost host) : IClassFixture<TlsHost>
{
    [Fact]
    public async Task A_stream_over_tls_goes_through_kestrel_and_delivers_events()
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == host.Certificate.GetCertHashString();
        using var http = new HttpClient(handler) { BaseAddress = host.TlsAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/sse?{Query.User(Unique.Id("tls"))}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ConnectionClose.ShouldNotBe(true, "Connection: close is the direct path's; TLS must use Kestrel's");
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
        var items = SseParser.Create(body).EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        (await items.MoveNextAsync()).ShouldBeTrue();
        items.Current.EventType.ShouldBe("connected");

        var publisher = host.Services.GetRequiredService<IRealtimePublisher>();
        var id = await publisher.PublishAsync(RealtimeEvent.Create("tls.event", new { n = 1 }), Audience.All, deadline.Token);
        while (await items.MoveNextAsync() && items.Current.EventId != id)
        {
        }

        items.Current.EventId.ShouldBe(id);
        items.Current.EventType.ShouldBe("tls.event");
        items.Current.Data.ShouldBe("""{"n":1}""");
        await items.DisposeAsync();
    }
}
