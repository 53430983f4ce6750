using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// A node that cannot start says why: the failure itself reaches the caller (and the <c>Beacon.Startup</c> log line),
/// not an <see cref="ObjectDisposedException"/> from asking the stopped host's services for a logger.
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public void A_production_node_without_a_signing_key_fails_with_the_settings_error()
    {
        var database = Path.Combine(Path.GetTempPath(), "beacon-tests", Guid.NewGuid().ToString("N") + ".db");
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseEnvironment("Production")
            .UseSetting("Auth:SigningKey", "")
            .UseSetting("Auth:Authority", "")
            .UseSetting("ConnectionStrings:Sqlite", $"Data Source={database}"));

        var failure = Should.Throw<Exception>(() => factory.CreateClient());
        File.Delete(database);

        failure.ShouldBeOfType<OptionsValidationException>(failure.ToString());
        failure.Message.ShouldContain("Auth:SigningKey");
    }
}
