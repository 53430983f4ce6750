using Beacon.Web.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Beacon.UnitTests.Operations;

/// <summary>The API reference is on in Development and off elsewhere unless <c>ApiReference:Enabled</c> says otherwise.</summary>
public sealed class ApiReferenceSettingTests
{
    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Staging", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void Development_has_it_unless_configured_otherwise(string environment, string? enabled, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(enabled is null ? [] : [new KeyValuePair<string, string?>("ApiReference:Enabled", enabled)])
            .Build();

        ApiReference.IsEnabled(configuration, new HostingEnvironment { EnvironmentName = environment }).ShouldBe(expected);
    }
}
