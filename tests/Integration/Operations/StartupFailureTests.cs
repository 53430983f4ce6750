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
        var failure = ProductionStartupFailure(signingKey: "", authority: "");

        failure.Message.ShouldContain("Auth:SigningKey");
    }

    [Fact]
    public void A_production_node_with_the_public_development_signing_key_refuses_to_start()
    {
        var failure = ProductionStartupFailure(signingKey: Beacon.Web.Infrastructure.AuthOptions.PublicDevelopmentKey, authority: "");

        failure.Message.ShouldContain("public development key");
    }

    [Fact]
    public void A_node_whose_authority_is_not_an_https_url_refuses_to_start_instead_of_failing_every_request()
    {
        var failure = ProductionStartupFailure(signingKey: "", authority: "http://login.example.com/realms/beacon");

        failure.Message.ShouldContain("Auth:Authority must be an absolute https URL");
    }

    /// <summary>Starts a Production node with these auth settings on a database of its own; returns why it could not start.</summary>
    private static OptionsValidationException ProductionStartupFailure(string signingKey, string authority)
    {
        var database = Path.Combine(Path.GetTempPath(), "beacon-tests", Guid.NewGuid().ToString("N") + ".db");
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseEnvironment("Production")
            .UseSetting("Auth:SigningKey", signingKey)
            .UseSetting("Auth:Authority", authority)
            .UseSetting("ConnectionStrings:Sqlite", $"Data Source={database}"));

        var failure = Should.Throw<Exception>(() => factory.CreateClient());
        File.Delete(database);

        return failure.ShouldBeOfType<OptionsValidationException>(failure.ToString());
    }

    [Fact]
    public void The_public_development_key_is_the_one_appsettings_development_json_ships()
    {
        var settings = Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json");
        File.Exists(settings).ShouldBeTrue($"{settings} should be copied from the Web project's build");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(settings));
        json.RootElement.GetProperty("Auth").GetProperty("SigningKey").GetString().ShouldBe(Beacon.Web.Infrastructure.AuthOptions.PublicDevelopmentKey);
    }
}
