using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace Beacon.IntegrationTests.Auth;

/// <summary>Beacon in Production, with a signing key of its own (tokens are signed by the tests).</summary>
public sealed class ProductionHost() : BeaconHost(("Auth:SigningKey", "dev-token-production-tests-signing-key-0123"))
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>Outside Development the dev-token route refuses, and says why, whatever is sent to it.</summary>
public sealed class DevTokenOutsideDevelopmentTests(ProductionHost host) : IClassFixture<ProductionHost>
{
    [Theory]
    [InlineData("""{"userId":"alice","roles":["admin"]}""", "application/json")]
    [InlineData("{not json", "application/json")]
    [InlineData("""{"userId":5}""", "application/json")]
    [InlineData("", "application/json")]
    [InlineData("userId=alice", "text/plain")]
    public async Task Every_request_is_refused_with_403(string body, string contentType)
    {
        using var response = await host.Api.PostAsync("api/auth/dev-token", new StringContent(body, Encoding.UTF8, contentType));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        problem.GetProperty("title").GetString().ShouldBe("Dev tokens are only issued in Development.");
    }
}
